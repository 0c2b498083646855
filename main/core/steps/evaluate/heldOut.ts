// Are the evaluation's levels held out? The seeds the checkpoints' training data was played on, found by
// walking each checkpoint's lineage back to the rollouts (trajectories artifacts name their rollout).
import type { LineageNode } from '../../../../preload/contract';
import { lineageOf } from '../../lineage/lineage';
import type { Project } from '../../project/project';

function rolloutIdsIn(node: LineageNode, into: Set<string>): void {
  const id = (node.artifact.meta as { rolloutId?: unknown }).rolloutId;
  if (node.artifact.kind === 'trajectories' && typeof id === 'string') into.add(id);
  for (const child of node.producedBy?.inputs ?? []) rolloutIdsIn(child, into);
}

export interface TrainingSeeds {
  seeds: Set<number>;
  rollouts: number;
}

export function trainingSeeds(project: Project, artifactIds: readonly string[], game: string): TrainingSeeds {
  const rollouts = new Set<string>();
  for (const id of artifactIds) rolloutIdsIn(lineageOf(project, id), rollouts);
  const seeds = new Set<number>();
  const store = project.trajectories;
  for (const r of rollouts) for (const seed of store.seedsOf(r, game)) seeds.add(seed);
  return { seeds, rollouts: rollouts.size };
}

/** The levels' seeds that training data used, and a sentence for the log and the result. */
export function overlapNote(levelSeeds: readonly number[], t: TrainingSeeds, checkpoints: number): { seeds: number[]; note: string } {
  const seeds = levelSeeds.filter((s) => t.seeds.has(s));
  if (checkpoints === 0) return { seeds, note: 'no checkpoints: nothing to compare the levels with' };
  if (t.rollouts === 0) return { seeds, note: 'the checkpoints’ lineage leads to no rollout of this project (imported data?): whether these levels are held out is not known' };
  if (seeds.length === 0)
    return { seeds, note: `held out: none of the ${levelSeeds.length} levels is among the ${t.seeds.size} seeds the training data’s ${t.rollouts} rollout(s) played` };
  return {
    seeds,
    note: `${seeds.length} of the ${levelSeeds.length} levels (seeds ${seeds.slice(0, 8).join(', ')}${seeds.length > 8 ? ', …' : ''}) were played by the training data’s rollouts: those are not held out`,
  };
}
