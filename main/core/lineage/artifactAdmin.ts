// Naming, renaming and deleting outputs. Names are unique per kind ("sokoban rollout",
// "sokoban rollout 2", …) so four outputs never read alike; a delete refuses while anything
// was made from the artifact or a job reads it, naming them, and removes the files only
// when they live inside the project (an imported folder elsewhere is only forgotten).
import { rm } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import type { Artifact } from '../../../preload/contract';
import type { Project } from '../project/project';
import { StudioError } from '../util/errors';
import { toArtifact } from './artifacts';
import { artifactsRoot } from '../project/layout';

function requireRow(project: Project, id: string) {
  const row = project.store.getArtifact(id);
  if (!row) throw new StudioError('not_found', `no output with id ${id} in this project`);
  return row;
}

export function renameArtifact(project: Project, id: string, nameIn: string): Artifact {
  const row = requireRow(project, id);
  const name = nameIn.trim();
  if (!name) throw new StudioError('bad_input', 'a name is required');
  const edits = project.artifactEdits;
  if (edits.nameTaken(row.kind, name, id)) throw new StudioError('conflict', `another ${row.kind} is already called “${name}”`);
  edits.rename(id, name);
  return toArtifact(project, requireRow(project, id));
}

export interface DeleteResult {
  deleted: true;
  /** The folder or file removed from disk; null when the artifact lived outside the project. */
  removedPath: string | null;
}

export async function deleteArtifact(project: Project, id: string): Promise<DeleteResult> {
  const row = requireRow(project, id);
  const a = toArtifact(project, row);
  const edits = project.artifactEdits;
  const readers = edits.activeReaders(id);
  if (readers.length) throw new StudioError('conflict', `“${a.name}” is in use by ${readers.map((r) => `the job “${r.title}”`).join(', ')}; cancel it first`);
  const deps = edits.dependants(id);
  if (deps.length) {
    const names = deps.map((d) => `“${d.name}” (${d.kind})`).join(', ');
    throw new StudioError(
      'conflict',
      `“${a.name}” cannot be deleted: ${names} ${deps.length === 1 ? 'was' : 'were'} made from it; delete ${deps.length === 1 ? 'that' : 'those'} first`,
    );
  }
  // Only what sits under the project's artifacts/ folder is ours to remove.
  const rel = relative(artifactsRoot(project.dir), a.path);
  const inside = a.inProject && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  edits.remove(id);
  if (inside) await rm(a.path, { recursive: true, force: true });
  return { deleted: true, removedPath: inside ? a.path : null };
}
