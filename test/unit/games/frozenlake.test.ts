import { describe, expect, it } from 'vitest';
import { getGame } from '../../../main/core/games';
import { FrozenLakeEnv } from '../../../main/core/games/frozenlake';
import { shortestPath } from '../../../main/core/games/frozenlake/map';
import { pngSize } from '../../../main/core/util/png';

const lake = (seed: number, settings: Record<string, unknown> = {}): FrozenLakeEnv => {
  const env = getGame('frozenlake').create(settings, seed) as FrozenLakeEnv;
  env.reset();
  return env;
};

describe('FrozenLake', () => {
  it('generates maps with S top-left, G bottom-right and a safe path, reproducibly', () => {
    for (let s = 0; s < 100; s++) {
      const env = lake(s);
      expect(env.map.squares[0]).toBe('S');
      expect(env.map.squares[15]).toBe('G');
      expect(shortestPath(env.map, 0)).not.toBeNull();
    }
    expect(lake(9).map).toEqual(lake(9).map);
    expect(lake(9).observe().png.equals(lake(9).observe().png)).toBe(true);
    const maps = new Set(Array.from({ length: 40 }, (_, s) => lake(s).map.squares.join('')));
    expect(maps.size).toBeGreaterThan(20);
  });

  it('moves on firm ice, stays at the edge, ends in a hole with 0 and on the goal with 1', () => {
    const env = lake(0);
    expect(env.step('up')).toMatchObject({ effective: false, reward: 0, done: false }); // edge
    const s = env.map.squares;
    const holeNext = [1, 4].find((c) => s[c] === 'H');
    if (holeNext !== undefined) {
      const r = env.step(holeNext === 1 ? 'right' : 'down');
      expect(r).toMatchObject({ done: true, won: false, reward: 0 });
      expect(r.observation.text).toContain('X');
    }
    const env2 = lake(0);
    let r;
    for (const d of shortestPath(env2.map, 0)!) r = env2.step(d);
    expect(r).toMatchObject({ done: true, won: true, reward: 1 });
    expect(r!.observation.text).toContain('√');
  });

  it('draws 256×256 frames for 4×4 and writes the RAGEN text grid', () => {
    const env = lake(2);
    expect(pngSize(env.observe().png)).toEqual({ width: 256, height: 256 });
    const text = env.observe().text!;
    expect(text.split('\n')).toHaveLength(4);
    expect(text.split('\n')[0]!.split('\t')[0]).toBe('P');
    expect(text).toMatch(/G$/);
    expect(pngSize(lake(2, { size: 3 }).observe().png)).toEqual({ width: 256, height: 256 }); // 192 px scaled up
  });

  it('slips the same way for the same seed and moves', () => {
    const run = (): string[] => {
      const env = lake(7, { slippery: true, maxTurns: 30 });
      const seen: string[] = [];
      for (let i = 0; i < 10 && !env.done; i++) seen.push(String(env.step('right').info.moved_to));
      return seen;
    };
    expect(run()).toEqual(run());
    expect(new Set(run()).size).toBeGreaterThan(1);
  });

  it('a no-op costs nothing and counts as a turn', () => {
    const env = lake(3, { maxTurns: 6 });
    for (let i = 0; i < 5; i++) expect(env.step(null)).toMatchObject({ reward: 0, effective: false, done: false, action: null });
    expect(env.step(null)).toMatchObject({ done: true, truncated: true });
    expect(() => getGame('frozenlake').create({ maxTurns: 2 }, 1)).toThrow(/safe path of at most 2 moves/);
  });
});
