// The numbers an evaluation reports per policy, from its episodes alone.
import type { EpisodeRecord } from './episode';

/** The 95 % Wilson score interval of k successes in n trials ([0, 1] when n is 0). */
export function wilson(k: number, n: number, z = 1.959963984540054): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  // At k = 0 (k = n) the bound is exactly 0 (1); floating point would leave ~1e-17 there.
  return { low: k === 0 ? 0 : Math.max(0, (centre - spread) / d), high: k === n ? 1 : Math.min(1, (centre + spread) / d) };
}

export interface Scores {
  episodes: number;
  wins: number;
  successRate: number;
  successLow: number;
  successHigh: number;
  meanReturn: number;
  meanTurns: number;
  /** Turns whose reply named no admissible action, over all turns. */
  invalidActionRate: number;
  /** Turns whose reply had the game's answer format, over all turns. */
  formatValidRate: number;
  completionTokens: number;
}

export function scoreEpisodes(eps: readonly EpisodeRecord[]): Scores {
  const n = eps.length;
  const wins = eps.filter((e) => e.won).length;
  const turns = eps.reduce((s, e) => s + e.turns, 0);
  const sum = (f: (e: EpisodeRecord) => number) => eps.reduce((s, e) => s + f(e), 0);
  const { low, high } = wilson(wins, n);
  return {
    episodes: n,
    wins,
    successRate: n ? wins / n : 0,
    successLow: low,
    successHigh: high,
    meanReturn: n ? sum((e) => e.return) / n : 0,
    meanTurns: n ? turns / n : 0,
    invalidActionRate: turns ? sum((e) => e.invalidActions) / turns : 0,
    formatValidRate: turns ? sum((e) => e.formatValidTurns) / turns : 0,
    completionTokens: sum((e) => e.completionTokens),
  };
}
