import type { ArtifactKind } from '../../../preload/contract';
import type { Project } from '../project/project';

/** `base`, or `base N` with the smallest N ≥ 2 not yet used by an artifact of this kind. */
export function uniqueName(project: Project, kind: ArtifactKind, base: string): string {
  const taken = new Set(project.artifactEdits.namesLike(kind, base));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
}
