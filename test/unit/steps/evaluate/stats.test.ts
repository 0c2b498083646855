// The evaluation's numbers: the Wilson interval against the published values of Newcombe (1998),
// "Two-sided confidence intervals for the single proportion", Stat Med 17:857, Table II (method 3),
// and the per-policy rates on a small hand-made set of episodes.
import { describe, expect, it } from 'vitest';
import type { EpisodeRecord } from '../../../../main/core/steps/evaluate/episode';
import { scoreEpisodes, wilson } from '../../../../main/core/steps/evaluate/stats';
import { bestOf } from '../../../../main/core/steps/evaluate/evaluateJob';

describe('evaluation statistics', () => {
  it('Wilson score intervals equal Newcombe’s table', () => {
    const table: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, low, high] of table) {
      const w = wilson(k, n);
      expect(w.low).toBeCloseTo(low, 4);
      expect(w.high).toBeCloseTo(high, 4);
    }
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('rates over turns, means over episodes', () => {
    const ep = (won: boolean, turns: number, invalid: number, formatValid: number, ret: number, tokens: number): EpisodeRecord => ({
      policy: 'p',
      level: 0,
      seed: 0,
      won,
      return: ret,
      turns,
      invalidActions: invalid,
      formatValidTurns: formatValid,
      completionTokens: tokens,
      steps: [],
    });
    const s = scoreEpisodes([ep(true, 2, 0, 2, 10.5, 20), ep(false, 5, 3, 1, -1.5, 50), ep(false, 3, 1, 3, -0.3, 30)]);
    expect(s).toMatchObject({ episodes: 3, wins: 1, completionTokens: 100 });
    expect(s.successRate).toBeCloseTo(1 / 3, 12);
    expect(s.meanReturn).toBeCloseTo((10.5 - 1.5 - 0.3) / 3, 12);
    expect(s.meanTurns).toBeCloseTo(10 / 3, 12);
    expect(s.invalidActionRate).toBeCloseTo(4 / 10, 12);
    expect(s.formatValidRate).toBeCloseTo(6 / 10, 12);
    expect(scoreEpisodes([])).toMatchObject({ episodes: 0, successRate: 0, successLow: 0, successHigh: 1 });
  });

  it('the best engine policy: success rate, then return, then fewer invalid actions; never the expert', () => {
    const sc = (key: string, kind: 'base' | 'adapter' | 'expert', successRate: number, meanReturn: number, invalidActionRate: number) => ({
      key,
      label: key,
      kind,
      artifactId: null,
      step: null,
      episodes: 4,
      wins: 0,
      successRate,
      successLow: 0,
      successHigh: 1,
      meanReturn,
      meanTurns: 1,
      invalidActionRate,
      formatValidRate: 1,
      completionTokens: 0,
      tokensPerS: null,
    });
    expect(bestOf([sc('expert', 'expert', 1, 9, 0), sc('a', 'adapter', 0.5, 1, 0.2), sc('b', 'adapter', 0.5, 2, 0.9), sc('base', 'base', 0.25, 5, 0)])).toBe('b');
    expect(bestOf([sc('a', 'adapter', 0.5, 1, 0.2), sc('b', 'adapter', 0.5, 1, 0.1)])).toBe('b');
    expect(bestOf([sc('expert', 'expert', 1, 9, 0)])).toBeNull();
  });
});
