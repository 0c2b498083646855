// Outputs appear under their final name only when complete: each is built as
// `<name>.partial` and renamed (one rename is atomic on one filesystem). A
// failure removes the partial; a kill leaves it for the open-time sweep
// (project/leftovers.ts), which deletes anything named `.partial`.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export const partialOf = (path: string): string => `${path}.partial`;

/** Swaps the finished tmp in for dir; replace: an existing dir is moved aside first, then removed. */
function publish(tmp: string, dir: string, replace: boolean): void {
  if (!replace) return renameSync(tmp, dir);
  const old = `${dir}.partial-old`;
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(dir, old);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

function freshPartial(dir: string): string {
  const tmp = partialOf(dir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** Fills a new folder (given its temporary path) and publishes it as dir; replace: an older dir is swapped out. */
export async function buildFolder<T>(dir: string, fill: (tmp: string) => Promise<T>, opts: { replace?: boolean } = {}): Promise<T> {
  const tmp = freshPartial(dir);
  try {
    const r = await fill(tmp);
    publish(tmp, dir, opts.replace ?? false);
    return r;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** buildFolder for fills that do not wait on anything. */
export function buildFolderSync<T>(dir: string, fill: (tmp: string) => T, opts: { replace?: boolean } = {}): T {
  const tmp = freshPartial(dir);
  try {
    const r = fill(tmp);
    publish(tmp, dir, opts.replace ?? false);
    return r;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Writes a file piece by piece through `<file>.partial`; it appears only when fill returned. */
export function writeFileInPieces<T>(file: string, fill: (write: (text: string) => void) => T): T {
  const tmp = partialOf(file);
  const fd = openSync(tmp, 'w');
  let r: T;
  try {
    r = fill((text) => void writeSync(fd, text));
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return r;
}
