import { describe, expect, it } from 'vitest';
import { getGame } from '../../../main/core/steps/rollout/games';
import { createExpertPolicy } from '../../../main/core/steps/rollout/policies/expert';
import { promptToMessage } from '../../../main/core/steps/rollout/policies/messages';

describe('policies', () => {
  it('the expert policy plays a whole Sokoban episode through act()', async () => {
    const game = getGame('sokoban');
    const env = game.create({}, 21);
    let obs = env.reset();
    const policy = createExpertPolicy(game, env);
    while (!env.done) {
      const message = promptToMessage(game.buildPrompt(env), [obs.png]);
      const reply = await policy.act({ game: 'sokoban', messages: [message], turn: env.turn });
      expect(reply.promptTokens).toBeUndefined();
      obs = env.step(game.parseReply(reply.text).action).observation;
    }
    expect(env.won).toBe(true);
    await expect(policy.act({ game: 'sokoban', messages: [], turn: env.turn })).rejects.toThrow(/already solved/);
  });

  it('refuses the wrong game and honours an aborted signal', async () => {
    const game = getGame('numberline');
    const env = game.create({}, 1);
    env.reset();
    const policy = createExpertPolicy(game, env);
    await expect(policy.act({ game: 'blackjack', messages: [], turn: 0 })).rejects.toThrow(/asked to play blackjack/);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(policy.act({ game: 'numberline', messages: [], turn: 0, signal: ac.signal })).rejects.toThrow('stop');
    expect(() => createExpertPolicy(getGame('sokoban'), env)).toThrow(/bound to a numberline env/);
  });

  it('puts frames where the prompt has <image>', () => {
    const png = Buffer.from([1, 2, 3]);
    expect(promptToMessage('<image>Look at it.', [png])).toEqual({ role: 'user', content: [{ type: 'image', png }, { type: 'text', text: 'Look at it.' }] });
    expect(promptToMessage('A <image> B', [png]).content).toEqual([{ type: 'text', text: 'A ' }, { type: 'image', png }, { type: 'text', text: ' B' }]);
    expect(() => promptToMessage('no image', [png])).toThrow(/0 <image> placeholder/);
  });
});
