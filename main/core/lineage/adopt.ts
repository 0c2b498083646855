// Adopting a finished output: a folder that is on disk is registered once, by
// whoever gets there first (the open-time sweep or a resume), never twice.
import { resolve } from 'node:path';
import type { Artifact } from '../../../preload/contract';
import type { OutputSpec } from '../jobs/types';
import type { Project } from '../project/project';
import { hashPath } from '../util/hash';
import { registerArtifact, storedPath, toArtifact } from './artifacts';

/** The artifact registered at this path, if any. */
export function artifactAtPath(project: Project, abs: string): Artifact | undefined {
  const where = storedPath(project, resolve(abs));
  const row = project.store.artifactAtPath(where.path, where.inProject);
  return row && toArtifact(project, row);
}

/**
 * Registers the folder unless something registered it already. The hash is taken first; the check and the
 * insert then run without a pause between them, so two jobs adopting the same folder yield one artifact.
 */
export async function registerOnce(project: Project, spec: OutputSpec, runId: string | null, signal?: AbortSignal): Promise<{ artifact: Artifact; existed: boolean }> {
  const before = artifactAtPath(project, spec.path);
  if (before) return { artifact: before, existed: true };
  const h = spec.sha256 !== undefined && spec.sizeBytes !== undefined ? { sha256: spec.sha256, sizeBytes: spec.sizeBytes } : await hashPath(resolve(spec.path), { signal });
  const now = artifactAtPath(project, spec.path);
  if (now) return { artifact: now, existed: true };
  // With the hash given, registerArtifact inserts before its first await: nothing can slip in between.
  return { artifact: await registerArtifact(project, { ...spec, sha256: h.sha256, sizeBytes: h.sizeBytes }, runId, signal), existed: false };
}

/** A registered folder whose contents were rewritten in place: its hash, size and meta follow. */
export async function refreshArtifact(project: Project, id: string, meta: Record<string, unknown>): Promise<void> {
  const row = project.store.getArtifact(id);
  if (!row) return;
  const h = await hashPath(toArtifact(project, row).path);
  project.store.setArtifactContent(id, h.sha256, h.sizeBytes, meta);
}
