// Artifacts: files and folders a run produced or consumed, with size and
// sha256, stored relative to the project when they live inside it.
import { randomUUID } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Artifact } from '../../../preload/contract';
import { toArtifact, type NewArtifact } from '../db/store';
import type { OutputSpec } from '../jobs/types';
import type { Project } from '../project/project';
import { uniqueName } from './uniqueName';
import { hashPath } from '../util/hash';
import { nowIso } from '../util/time';

// Decoding a stored artifact is db/'s (it knows the columns); lineage's callers find it here too.
export { toArtifact };

export function storedPath(project: Project, abs: string): { path: string; inProject: boolean } {
  const rel = relative(project.dir, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return inside ? { path: rel.split(sep).join('/'), inProject: true } : { path: abs, inProject: false };
}

export async function registerArtifact(project: Project, spec: OutputSpec, runId: string | null, signal?: AbortSignal): Promise<Artifact> {
  const abs = resolve(spec.path);
  let sha256 = spec.sha256;
  let sizeBytes = spec.sizeBytes;
  if (sha256 === undefined || sizeBytes === undefined) {
    const h = await hashPath(abs, { signal });
    sha256 = h.sha256;
    sizeBytes = h.sizeBytes;
  }
  const where = storedPath(project, abs);
  const entry: NewArtifact = {
    id: randomUUID(),
    kind: spec.kind,
    // Distinct defaults: a second "sokoban rollout" becomes "sokoban rollout 2".
    name: uniqueName(project, spec.kind, spec.name),
    path: where.path,
    inProject: where.inProject,
    sizeBytes,
    sha256,
    createdAt: nowIso(),
    producedByRunId: runId,
    meta: spec.meta ?? {},
  };
  const row = project.db.transaction(() => {
    const inserted = project.store.insertArtifact(entry);
    if (runId) project.store.addRunOutput(runId, inserted.id);
    return inserted;
  })();
  return toArtifact(project, row);
}
