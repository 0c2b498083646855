// Artifacts: files and folders a run produced or consumed, with size and
// sha256, stored relative to the project when they live inside it.
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Artifact } from '../../../preload/contract';
import type { ArtifactRow } from '../db/store';
import type { OutputSpec } from '../jobs/types';
import type { Project } from '../project/project';
import { uniqueName } from './uniqueName';
import { hashPath } from '../util/hash';
import { nowIso } from '../util/time';

export function toArtifact(project: Project, row: ArtifactRow): Artifact {
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse(row.meta_json) as Record<string, unknown>;
  } catch {
    meta = { unreadableMeta: row.meta_json };
  }
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    path: row.in_project ? join(project.dir, row.path) : row.path,
    inProject: row.in_project === 1,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
    producedByRunId: row.produced_by_run_id,
    meta,
  };
}

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
  const row: ArtifactRow = {
    id: randomUUID(),
    kind: spec.kind,
    // Distinct defaults: a second "sokoban rollout" becomes "sokoban rollout 2".
    name: uniqueName(project, spec.kind, spec.name),
    path: where.path,
    in_project: where.inProject ? 1 : 0,
    size_bytes: sizeBytes,
    sha256,
    created_at: nowIso(),
    produced_by_run_id: runId,
    meta_json: JSON.stringify(spec.meta ?? {}),
  };
  project.db.transaction(() => {
    project.store.insertArtifact(row);
    if (runId) project.store.addRunOutput(runId, row.id);
  })();
  return toArtifact(project, row);
}
