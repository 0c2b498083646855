// What a failed or cancelled run wrote but never registered goes when it ends,
// not at the next open: its empty or half-written output folders, and the
// `.partial` leftovers beside the outputs it did register (a failed training
// run keeps its registered checkpoints).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { toArtifact } from '../lineage/artifacts';
import type { Project } from '../project/project';

const PARTIAL = /\.partial(-[\w-]+)?$/;

export function removeUnregisteredOutputs(project: Project, owned: readonly string[], log: (message: string) => void): void {
  if (!owned.length) return;
  const registered = project.store.listArtifacts().map((a) => toArtifact(project, a).path);
  const holdsRegistered = (p: string): boolean => registered.some((r) => r === p || r.startsWith(`${p}${sep}`));
  for (const p of [...owned].reverse()) {
    // Its half-written twin (`<path>.partial`, `<path>.partial-<id>`), if the writer did not remove it.
    let siblings: string[] = [];
    try {
      siblings = readdirSync(dirname(p)).filter((n) => n.startsWith(`${basename(p)}.partial`) && PARTIAL.test(n));
    } catch {
      /* the parent is gone too */
    }
    for (const n of siblings) {
      rmSync(join(dirname(p), n), { recursive: true, force: true });
      log(`removed the half-written ${join(dirname(p), n)}`);
    }
    if (!existsSync(p)) continue;
    if (!holdsRegistered(p)) {
      rmSync(p, { recursive: true, force: true });
      log(`removed ${p}: the run ended without a registered output in it`);
      continue;
    }
    let names: string[] = [];
    try {
      names = readdirSync(p);
    } catch {
      continue; // a registered file, not a folder
    }
    for (const name of names) {
      const q = join(p, name);
      if (!PARTIAL.test(name) || holdsRegistered(q)) continue;
      rmSync(q, { recursive: true, force: true });
      log(`removed the half-written ${q} (the registered outputs beside it are kept)`);
    }
  }
}
