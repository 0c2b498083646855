// A rollout's output folder: one per rollout id (`<name>-<rollout id>`), written
// into `.partial` and renamed, so a folder under its final name is complete.
// A resume whose rollout already has its complete folder (registered by the
// interrupted run or the open-time sweep, or on disk unregistered) reuses it:
// never a second copy, never a second artifact.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { TrajectoryStore } from '../../db/trajectories';
import type { JobContext } from '../../jobs/types';
import { artifactAtPath, refreshArtifact, registerOnce } from '../../lineage/adopt';
import { toArtifact } from '../../lineage/artifacts';
import { artifactDir, folderSlug, foldersOfRun } from '../../project/layout';
import { writeTrajectoriesJsonl } from '../../formats/trajectoriesJsonl';
import { buildFolder } from '../../util/atomicWrite';

export const rolloutFolderName = (name: string, rolloutId: string): string => `${folderSlug(name)}-${rolloutId.slice(0, 8)}`;

/** The trajectory ids a trajectories.jsonl holds (each line starts with its id), read in chunks: the file can be large. */
export function idsInJsonl(file: string): Set<string> | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  const ids = new Set<string>();
  const buf = Buffer.alloc(1 << 20);
  let head = ''; // the start of the current line, while it is short
  let atStart = true;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      let i = 0;
      while (i < n) {
        const nl = buf.indexOf(10, i);
        const end = nl < 0 || nl >= n ? n : nl;
        if (atStart || head) head += buf.toString('latin1', i, Math.min(end, i + 120 - head.length));
        atStart = false;
        if (end === n) break;
        const id = /^\{"id":"([^"]+)"/.exec(head)?.[1];
        if (!id) return null; // not a line this writer wrote
        ids.add(id);
        head = '';
        atStart = true;
        i = end + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return head.trim() ? null : ids; // a last line without its newline: cut short
}

/** Folders that hold (or held) this rollout's output: registered for it, or named after it. */
function foldersOf(ctx: JobContext<unknown>, rolloutId: string): string[] {
  const out = new Set<string>();
  for (const a of ctx.project.store.listArtifacts(['trajectories'])) {
    if ((JSON.parse(a.meta_json) as { rolloutId?: string }).rolloutId === rolloutId) out.add(toArtifact(ctx.project, a).path);
  }
  for (const p of foldersOfRun(artifactDir(ctx.project.dir, 'trajectories'), rolloutId)) out.add(p);
  return [...out].filter((p) => existsSync(p));
}

const same = (a: Set<string>, b: Set<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

export async function writeRolloutOutput(
  ctx: JobContext<unknown>,
  store: TrajectoryStore,
  o: { rolloutId: string; folderName: string; name: string; ids: string[]; meta: Record<string, unknown> },
): Promise<void> {
  const { project } = ctx;
  const want = new Set(o.ids);
  const found = foldersOf(ctx, o.rolloutId);
  for (const dir of found) {
    const have = idsInJsonl(join(dir, 'trajectories.jsonl'));
    if (!have || !same(have, want)) continue;
    const r = await registerOnce(project, { path: dir, kind: 'trajectories', name: o.name, meta: o.meta }, ctx.runId, ctx.signal);
    if (r.existed) {
      project.store.addRunOutput(ctx.runId, r.artifact.id);
      // One the sweep registered learns what the rollout knows (counts, game).
      project.store.setArtifactMeta(r.artifact.id, { ...r.artifact.meta, ...o.meta });
      ctx.log('info', `the rollout's output ${dir} is complete and registered already (artifact '${r.artifact.name}'): kept, not written again`);
    } else ctx.log('info', `adopted ${dir}: the interrupted run had written all ${want.size} trajectories but never registered them`);
    return;
  }
  const target = found[0] ?? join(artifactDir(project.dir, 'trajectories'), o.folderName);
  const fresh = !existsSync(target);
  if (fresh) ctx.ownOutput(target);
  // An older state of this rollout (a resume played trajectories that had failed) is replaced whole.
  await buildFolder(target, async (tmp) => void writeTrajectoriesJsonl(join(tmp, 'trajectories.jsonl'), store, o.ids), { replace: !fresh });
  if (fresh) {
    await ctx.addOutput({ path: target, kind: 'trajectories', name: o.name, meta: o.meta });
    return;
  }
  const reg = artifactAtPath(project, target);
  if (reg) {
    await refreshArtifact(project, reg.id, { ...reg.meta, ...o.meta });
    project.store.addRunOutput(ctx.runId, reg.id);
    ctx.log('info', `rewrote the rollout's output ${target} with its ${want.size} finished trajectories (artifact '${reg.name}' updated)`);
  } else await ctx.addOutput({ path: target, kind: 'trajectories', name: o.name, meta: o.meta });
}
