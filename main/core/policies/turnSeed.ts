// The sampler seed of one turn: a pure function of the run's seed and where the turn is, so a
// sampled rollout replays the same whichever episodes share a model call.
import type { TurnKey } from './types';

export function turnSeed(seed: number, at: TurnKey): number {
  let h = seed >>> 0;
  for (const v of [at.task, at.sample, at.turn]) h = Math.imul(h ^ v, 0x9e3779b1) >>> 0;
  return h;
}
