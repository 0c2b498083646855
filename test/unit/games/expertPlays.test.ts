// The built-in expert answers in the game's own format: its replies, parsed as a model's would be,
// solve a Sokoban level, so a user can make SFT data with no model at all.
import { describe, expect, it } from 'vitest';
import { getGame } from '../../../main/core/games';

describe('the expert as a player', () => {
  it('plays a whole Sokoban episode through its formatted answers and wins', () => {
    const game = getGame('sokoban');
    const env = game.create({}, 21);
    env.reset();
    while (!env.done) {
      const parsed = game.parseReply(game.formatAnswer(game.expertMove(env)));
      expect(parsed.formatValid && parsed.actionValid).toBe(true);
      env.step(parsed.action);
    }
    expect(env.won).toBe(true);
    expect(() => game.expertMove(env)).toThrow(/already solved/);
  });
});
