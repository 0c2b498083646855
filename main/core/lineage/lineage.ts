// Traces an artifact back through the runs that made it to their inputs,
// e.g. a merged model → adapter → Parquet dataset → reviewed trajectories.
import type { LineageNode } from '../../../preload/contract';
import type { Project } from '../project/project';
import { StudioError } from '../util/errors';
import { toArtifact } from './artifacts';
import { toRunSummary } from '../db/store';

const MAX_DEPTH = 64;

export function lineageOf(project: Project, artifactId: string): LineageNode {
  const seen = new Set<string>();
  const build = (id: string, depth: number): LineageNode => {
    const row = project.store.getArtifact(id);
    if (!row) throw new StudioError('not_found', `no artifact with id ${id} in this project`);
    const artifact = toArtifact(project, row);
    // A cycle cannot be made through the runner, but a hand-edited database could hold one.
    if (!row.produced_by_run_id || depth >= MAX_DEPTH || seen.has(row.produced_by_run_id)) return { artifact, producedBy: null };
    const run = project.store.getRun(row.produced_by_run_id);
    if (!run) return { artifact, producedBy: null };
    seen.add(run.id);
    const inputs = project.store.runInputs(run.id).map((a) => build(a.id, depth + 1));
    return { artifact, producedBy: { run: toRunSummary(run), inputs } };
  };
  return build(artifactId, 0);
}
