import { describe, expect, it } from 'vitest';
import { getGame, GAMES } from '../../../main/core/games';
import type { GameId } from '../../../main/core/games/types';

interface Played {
  won: boolean;
  turns: number;
  total: number;
  invalid: number;
}

/** Plays one episode with the expert, every reply going through the game's own strict parser. */
function playExpert(id: GameId, seed: number, settings: Record<string, unknown> = {}): Played {
  const game = getGame(id);
  const env = game.create(settings, seed);
  env.reset();
  let invalid = 0;
  while (!env.done) {
    const reply = game.formatAnswer(game.expertMove(env));
    const parsed = game.parseReply(reply);
    if (!parsed.actionValid || !parsed.formatValid || parsed.think === null) invalid++;
    env.step(parsed.action);
  }
  return { won: env.won, turns: env.turn, total: env.totalReward, invalid };
}

describe('experts', () => {
  it('Sokoban: the expert solves 200 generated levels within 15 turns, every reply strictly valid', () => {
    for (let seed = 0; seed < 200; seed++) {
      const p = playExpert('sokoban', seed);
      expect(p, `seed ${seed}`).toMatchObject({ won: true, invalid: 0 });
      expect(p.turns).toBeLessThanOrEqual(15);
      expect(p.total).toBeCloseTo(10.9 - 0.1 * (p.turns - 1), 9); // -0.1 a move, +1 and +10 on the last push
    }
  });

  it('Sokoban: also with two boxes in a 7×7 room', () => {
    for (let seed = 0; seed < 30; seed++) expect(playExpert('sokoban', seed, { rows: 7, cols: 7, boxes: 2, maxTurns: 30 })).toMatchObject({ won: true, invalid: 0 });
  });

  it('FrozenLake: BFS expert always reaches the goal on firm ice', () => {
    for (let seed = 0; seed < 100; seed++) expect(playExpert('frozenlake', seed), `seed ${seed}`).toMatchObject({ won: true, invalid: 0, total: 1 });
    for (let seed = 0; seed < 10; seed++) expect(playExpert('frozenlake', seed, { size: 8, maxTurns: 40 })).toMatchObject({ won: true, invalid: 0 });
  });

  it('FrozenLake: on slippery ice the expert wins far more often than random moves', () => {
    let expert = 0;
    let random = 0;
    const game = getGame('frozenlake');
    for (let seed = 0; seed < 60; seed++) {
      if (playExpert('frozenlake', seed, { slippery: true, maxTurns: 30 }).won) expert++;
      const env = game.create({ slippery: true, maxTurns: 30 }, seed);
      env.reset();
      const moves = ['up', 'down', 'left', 'right'];
      for (let i = 0; !env.done; i++) env.step(moves[(seed * 7 + i * 3) % 4]!);
      if (env.won) random++;
    }
    expect(expert).toBeGreaterThan(random * 2);
    expect(expert / 60).toBeGreaterThan(0.4);
  });

  it('EZPoints and Points24: the formula expert always makes the target', () => {
    for (let seed = 0; seed < 100; seed++) expect(playExpert('ezpoints', seed), `seed ${seed}`).toMatchObject({ won: true, invalid: 0, total: 10 });
    for (let seed = 0; seed < 40; seed++) expect(playExpert('points24', seed), `seed ${seed}`).toMatchObject({ won: true, invalid: 0, total: 10 });
  });

  it('NumberLine: moves straight to the target', () => {
    for (let seed = 0; seed < 100; seed++) {
      const p = playExpert('numberline', seed);
      expect(p).toMatchObject({ won: true, invalid: 0, total: 1 }); // 0 for each step closer, +1 on arrival
    }
  });

  it('Blackjack: basic strategy loses much less than always hitting or always standing', () => {
    const mean = (policy: 'expert' | 'hit' | 'stand', n: number): number => {
      const game = getGame('blackjack');
      let sum = 0;
      for (let seed = 0; seed < n; seed++) {
        const env = game.create({}, seed);
        env.reset();
        while (!env.done) env.step(policy === 'expert' ? game.parseReply(game.formatAnswer(game.expertMove(env))).action : policy);
        sum += env.totalReward;
      }
      return sum / n;
    };
    const expert = mean('expert', 500);
    expect(expert).toBeGreaterThan(-0.15);
    expect(expert).toBeGreaterThan(mean('stand', 500) + 0.05);
    expect(expert).toBeGreaterThan(mean('hit', 100) + 0.3);
  });

  it('every game answers in its declared format and the answer parses as valid', () => {
    for (const game of GAMES) {
      const env = game.create({}, 11);
      env.reset();
      const answer = game.formatAnswer(game.expertMove(env));
      if (game.answerFormat === 'json') expect(() => JSON.parse(answer)).not.toThrow();
      else expect(answer).toMatch(/^<think>[^<]+<\/think>\n<action>[a-z]+<\/action>$/);
      expect(game.parseReply(answer)).toMatchObject({ actionValid: true, formatValid: true });
      expect(env.admissibleActions()).toContain(game.parseReply(answer).action);
    }
  });
});
