// ARLArena role names in other cases used to be dropped silently: any case is read, an unknown role
// or a turn without a user message is refused by its JSON path.
import { describe, expect, it } from 'vitest';
import { parseArlarenaTrajectories } from '../../../../main/core/formats/arlarena/arlarena';

describe('ARLArena role names', () => {
  it('reads ARLArena role names in any case, and refuses an unknown role or a turn without a user message by its path', () => {
    const file = (role: string): string =>
      JSON.stringify([{ sample_idx: 0, task_score: 1, turns: [{ step: 0, inputs: [{ role, content: 'push the box <image>' }], outputs: '<think>t</think><action>up</action>' }] }]);
    for (const role of ['USER', 'User', ' user ']) {
      const r = parseArlarenaTrajectories('high_score_multiturn_texts_x.json', file(role));
      expect(r.errors, role).toEqual([]);
      expect(r.episodes[0]!.turns[0]!.prompt, role).toBe('push the box <image>');
    }
    const bad = parseArlarenaTrajectories('high_score_multiturn_texts_x.json', file('usr'));
    expect(bad.episodes).toEqual([]);
    expect(bad.errors[0]).toMatchObject({ path: '[0].turns[0].inputs[0].role', message: expect.stringContaining('unknown role "usr"') });
    const noUser = parseArlarenaTrajectories('high_score_multiturn_texts_x.json', file('system'));
    expect(noUser.errors[0]).toMatchObject({ path: '[0].turns[0].inputs', message: expect.stringContaining('no "user" message') });
  });
});
