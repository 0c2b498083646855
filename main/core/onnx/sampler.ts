// Next-token choice from one row of logits: greedy at temperature 0, else
// temperature-scaled softmax cut to the smallest set of tokens whose
// probability reaches top_p (the nucleus), drawn with a seeded generator so a
// rollout can be replayed.
import { mulberry32 } from '../util/random';

export interface SamplingOptions {
  temperature: number;
  topP: number;
}

export function argmax(logits: ArrayLike<number>, from = 0, n = logits.length): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[from + i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

/** The sampler's generator: seeded, the same on every machine. */
export const seededRandom = mulberry32;

export function sample(logits: ArrayLike<number>, from: number, n: number, o: SamplingOptions, rand: () => number): number {
  if (o.temperature <= 0) return argmax(logits, from, n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[from + i]!);
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += p[i] = Math.exp((logits[from + i]! - max) / o.temperature);
  if (o.topP >= 1) {
    let r = rand() * sum;
    for (let i = 0; i < n; i++) if ((r -= p[i]!) <= 0) return i;
    return n - 1;
  }
  // Only tokens that can matter are sorted (a real vocabulary is 150k long).
  const floor = sum * 1e-12;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (p[i]! >= floor) order.push(i);
  order.sort((a, b) => p[b]! - p[a]!);
  n = order.length;
  // The nucleus: most likely tokens until their mass reaches top_p (at least one).
  let kept = 0;
  let mass = 0;
  while (kept < n && (kept === 0 || mass < o.topP * sum)) mass += p[order[kept++]!]!;
  let r = rand() * mass;
  for (let k = 0; k < kept; k++) {
    r -= p[order[k]!]!;
    if (r <= 0) return order[k]!;
  }
  return order[kept - 1]!;
}
