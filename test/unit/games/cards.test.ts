import { describe, expect, it } from 'vitest';
import { getGame } from '../../../main/core/games';
import { BlackjackEnv, handTotal, usableAce } from '../../../main/core/games/cards/blackjack';
import type { Card } from '../../../main/core/games/cards/deck';
import { evaluateFormula } from '../../../main/core/games/cards/formula';
import { NumberLineEnv } from '../../../main/core/games/cards/numberline';
import { dealEz, PointsEnv } from '../../../main/core/games/cards/pointsEnv';
import { solvePoints } from '../../../main/core/games/cards/pointsSolver';
import { createRng } from '../../../main/core/games/rng';
import { pngSize } from '../../../main/core/util/png';
import { decodePng } from '../../helpers/pngPixels';

const points = (id: 'points24' | 'ezpoints', seed: number, settings: Record<string, unknown> = {}): PointsEnv => {
  const env = getGame(id).create(settings, seed) as PointsEnv;
  env.reset();
  return env;
};

describe('point-game formulas are evaluated as Python eval sees the joined tokens', () => {
  it('reads numbers, precedence, brackets and true division', () => {
    expect(evaluateFormula('8*3*(2-1)')).toBe(24);
    expect(evaluateFormula('10/4*8+4')).toBe(24);
    expect(evaluateFormula('(10+2)*(4-2)')).toBe(24);
    expect(evaluateFormula('7/2')).toBe(3.5);
  });

  it('follows Python quirks: digits glue, ** is power, // floor division, unary signs', () => {
    expect(evaluateFormula('1' + '2')).toBe(12); // tokens "1","2" make 12
    expect(evaluateFormula('2**3')).toBe(8);
    expect(evaluateFormula('-2**2')).toBe(-4);
    expect(evaluateFormula('7//2')).toBe(3);
    expect(evaluateFormula('3--2')).toBe(5);
    expect(evaluateFormula('8/(3-8/3)')).not.toBe(24); // 23.999999999999996 in floats
  });

  it('returns null for what Python rejects', () => {
    for (const bad of ['', '   ', '1 2', '(1+2', '1+', '*3', '5/0', '2)', '0**-1', '1+a', '()']) expect(evaluateFormula(bad), bad).toBeNull();
  });

  it('the solver only returns formulas exact in floats, using every card once', () => {
    expect(solvePoints([8, 3, 8, 3], 24, ['+', '-', '*', '/'])).toBeNull();
    const s = solvePoints([4, 7, 8, 8], 24, ['+', '-', '*', '/'])!;
    expect(evaluateFormula(s.join(''))).toBe(24);
    expect(
      s
        .filter((t) => /\d/.test(t))
        .map(Number)
        .sort(),
    ).toEqual([4, 7, 8, 8]);
    expect(solvePoints([1, 1, 1, 1], 24, ['+', '-', '*', '/'])).toBeNull();
  });
});

describe('EZPoints', () => {
  it('deals two cards that make 12 by sum or product', () => {
    for (let s = 0; s < 300; s++) {
      const cards = dealEz(createRng(s));
      const [a, b] = cards.map((c) => Math.min(c.rank, 10)) as [number, number];
      expect(a + b === 12 || a * b === 12).toBe(true);
    }
  });

  it('scores like gym_cards: unavailable number -1 and a blank, right formula +10, wrong -1, too long -1', () => {
    const env = points('ezpoints', 4);
    const [a, b] = env.values as [number, number];
    const other = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].find((n) => n !== a && n !== b)!;
    expect(env.step(String(other))).toMatchObject({ reward: -1, done: false });
    expect(env.formula).toEqual([' ']);
    env.reset();
    env.step(String(a));
    env.step(a + b === 12 ? '+' : '*');
    env.step(String(b));
    const end = env.step('=');
    expect(end).toMatchObject({ reward: 10, done: true, won: true });

    const wrong = points('ezpoints', 4);
    wrong.step(String(a));
    expect(wrong.step('=')).toMatchObject({ reward: -1, done: true, won: false }); // one card unused

    const long = points('ezpoints', 4);
    for (const t of ['+', '+', '+', '+', '+', '+']) long.step(t);
    expect(long.step('+')).toMatchObject({ reward: -1, done: true, won: false, action: null });
  });

  it('costs -1 for no action and keeps the formula', () => {
    const env = points('ezpoints', 1);
    expect(env.step(null)).toMatchObject({ reward: -1, effective: false, done: false, action: null });
    expect(env.formula).toEqual([]);
  });

  it('renders 300×300 RGB frames that change as the formula grows', () => {
    const env = points('ezpoints', 2);
    const first = env.observe().png;
    expect(pngSize(first)).toEqual({ width: 300, height: 300 });
    env.step('+');
    expect(env.observe().png.equals(first)).toBe(false);
    expect(decodePng(first).colorType).toBe(2);
  });
});

describe('Points24', () => {
  it('deals solvable hands by default, any hand when asked', () => {
    for (let s = 0; s < 50; s++) {
      const env = points('points24', s);
      expect(solvePoints(env.values, 24, ['+', '-', '*', '/'])).not.toBeNull();
    }
    let unsolvable = 0;
    for (let s = 0; s < 60; s++) if (!solvePoints(points('points24', s, { solvableOnly: false }).values, 24, ['+', '-', '*', '/'])) unsolvable++;
    expect(unsolvable).toBeGreaterThan(0);
  });

  it('counts each card once: a second use of a single card is refused', () => {
    const env = points('points24', 3);
    const v = env.values[0]!;
    const copies = env.values.filter((x) => x === v).length;
    for (let i = 0; i < copies; i++) expect(env.step(String(v)).reward).toBe(0);
    expect(env.step(String(v))).toMatchObject({ reward: -1 });
  });

  it('has the seven operators and the ten numbers as actions', () => {
    expect(points('points24', 1).admissibleActions()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '-', '*', '/', '(', ')', '=']);
    expect(points('ezpoints', 1).admissibleActions()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '*', '=']);
  });
});

describe('NumberLine', () => {
  it('pays +1 on the target, 0 closer, -1 away or stuck at an end', () => {
    for (let s = 0; s < 50; s++) {
      const env = getGame('numberline').create({}, s) as NumberLineEnv;
      env.reset();
      expect(env.start).not.toBe(env.target);
      expect(env.target).toBeGreaterThanOrEqual(0);
      expect(env.target).toBeLessThanOrEqual(5);
      const away = env.target > env.position ? '-' : '+';
      const r = env.step(away);
      expect(r.reward).toBe(-1);
      while (!env.done) {
        const toward = env.target > env.position ? '+' : '-';
        const dist = Math.abs(env.target - env.position);
        const step = env.step(toward);
        expect(step.reward).toBe(dist === 1 ? 1 : 0);
      }
    }
  });

  it('truncates after 2 × maxPosition steps', () => {
    const env = getGame('numberline').create({}, 1);
    env.reset();
    expect(env.maxTurns).toBe(10);
    let last;
    for (let i = 0; i < 10; i++) last = env.step(null);
    expect(last).toMatchObject({ done: true, truncated: true, won: false, reward: -1 });
  });
});

describe('Blackjack', () => {
  const card = (rank: number): Card => ({ rank, suit: 'S' });

  it('counts aces as 11 unless that busts', () => {
    expect(handTotal([card(1), card(13)])).toBe(21);
    expect(usableAce([card(1), card(6)])).toBe(true);
    expect(handTotal([card(1), card(6), card(9)])).toBe(16);
    expect(handTotal([card(1), card(1)])).toBe(12);
  });

  it('busts for -1, stands against a dealer who draws to 17, deals the same cards after reset', () => {
    let busts = 0;
    for (let s = 0; s < 200; s++) {
      const env = getGame('blackjack').create({}, s) as BlackjackEnv;
      env.reset();
      const deal = JSON.stringify([env.dealer, env.player]);
      let r = env.step('hit');
      while (!r.done) r = env.step('hit');
      expect(r.reward).toBe(-1);
      expect(handTotal(env.player)).toBeGreaterThan(21);
      busts++;
      env.reset();
      expect(JSON.stringify([env.dealer, env.player])).toBe(deal);
      const st = env.step('stand');
      expect(st.done).toBe(true);
      expect(handTotal(env.dealer)).toBeGreaterThanOrEqual(17);
      const p = handTotal(env.player);
      const d = handTotal(env.dealer) > 21 ? 0 : handTotal(env.dealer);
      expect(st.reward).toBe(p > d ? 1 : p < d ? -1 : 0);
      // gym_cards shows ten-valued cards as faces only
      expect([...env.dealer, ...env.player].every((c) => c.rank !== 10)).toBe(true);
    }
    expect(busts).toBe(200);
  });

  it('pays 1.5 for a winning natural only when asked', () => {
    for (let s = 0; s < 3000; s++) {
      const env = getGame('blackjack').create({ natural: true }, s) as BlackjackEnv;
      env.reset();
      if (handTotal(env.player) !== 21) continue;
      const r = env.step('stand');
      if (r.reward > 0) {
        expect(r.reward).toBe(1.5);
        return;
      }
    }
    throw new Error('no winning natural in 3000 deals');
  });

  it('no action changes nothing and costs nothing', () => {
    const env = getGame('blackjack').create({}, 5);
    env.reset();
    expect(env.step(null)).toMatchObject({ reward: 0, done: false, effective: false, action: null });
  });
});
