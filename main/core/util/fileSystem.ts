// Small file-system helpers shared by the core.
import { mkdirSync, renameSync, writeFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file so a crash leaves either the old or the new content, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isEmptyDir(p: string): boolean {
  return isDir(p) && readdirSync(p).length === 0;
}

export { existsSync };
