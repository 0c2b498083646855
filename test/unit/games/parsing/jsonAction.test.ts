import { describe, expect, it } from 'vitest';
import { findSingleAction, parseJsonAction } from '../../../../main/core/games/parsing/jsonAction';

const P24 = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '+', '-', '*', '/', '(', ')', '='];
const BJ = ['stand', 'hit'];
const NL = ['-', '+'];

describe('JSON reply parser (Gym-Cards)', () => {
  it('reads {"thoughts", "action"} and checks the action against the admissible list', () => {
    expect(parseJsonAction('{"thoughts": "hit on 12 vs 10", "action": "hit"}', BJ)).toEqual({ action: 'hit', actionValid: true, formatValid: true, think: 'hit on 12 vs 10' });
    expect(parseJsonAction('{\n"current number": "2",\n"target number": "4",\n"thoughts": "go up",\n"action": "+"\n}', NL)).toMatchObject({ action: '+', formatValid: true });
    expect(parseJsonAction('{"thoughts": "t", "action": "HIT"}', BJ).action).toBe('hit');
    expect(parseJsonAction('{"thoughts": "t", "action": 7}', P24, { tenIsToken: true })).toMatchObject({ action: '7', actionValid: true, formatValid: true });
  });

  it('treats 10 as one token in the point games', () => {
    expect(parseJsonAction('{"thoughts": "t", "action": "10"}', P24, { tenIsToken: true }).action).toBe('10');
    expect(parseJsonAction('{"thoughts": "t", "action": "1"}', P24, { tenIsToken: true }).action).toBe('1');
    expect(findSingleAction('"10"', P24)).toBe(null); // without the rule '1' and '10' both match
  });

  it('tolerates a code fence around the JSON', () => {
    expect(parseJsonAction('```json\n{"thoughts": "t", "action": "stand"}\n```', BJ)).toMatchObject({ action: 'stand', formatValid: true });
    expect(parseJsonAction('```\n{"thoughts": "t", "action": "stand"}\n```\n', BJ)).toMatchObject({ action: 'stand', formatValid: true });
  });

  it('JSON inside prose: format invalid, but the action after "action": still counts (as the gym projection does)', () => {
    const r = parseJsonAction('Sure! Here is my answer: {"thoughts": "dealer shows 6", "action": "stand"} Good luck.', BJ);
    expect(r).toEqual({ action: 'stand', actionValid: true, formatValid: false, think: 'dealer shows 6' });
    expect(parseJsonAction('"thoughts": "x", "Action": "hit" and more', BJ)).toMatchObject({ action: 'hit', formatValid: false });
  });

  it('several or no admissible actions: no action, invalid', () => {
    expect(parseJsonAction('{"thoughts": "t", "action": "hit or stand"}', BJ)).toMatchObject({ action: null, actionValid: false, formatValid: true });
    expect(parseJsonAction('{"thoughts": "t", "action": "fold"}', BJ)).toMatchObject({ action: null, actionValid: false, formatValid: true });
    expect(parseJsonAction('{"thoughts": "t", "action": "2)"}', P24, { tenIsToken: true }).action).toBe(null);
    expect(parseJsonAction('{"thoughts": "t"}', BJ)).toMatchObject({ action: null, formatValid: false, think: 't' });
    expect(parseJsonAction('{"action": "hit"}', BJ)).toMatchObject({ action: 'hit', actionValid: true, formatValid: false }); // no thoughts
  });

  it('never throws on nasty input', () => {
    for (const c of [
      undefined,
      null,
      5,
      {},
      '',
      '{',
      '}',
      '[]',
      'null',
      '"action":',
      '{"action": {"nested": "hit"}}',
      '{"thoughts": "\\ud800", "action": "hit"}',
      '💥'.repeat(1000),
    ]) {
      expect(() => parseJsonAction(c, BJ)).not.toThrow();
    }
    expect(parseJsonAction('{"action": {"nested": "hit"}}', BJ)).toMatchObject({ action: 'hit', formatValid: false }); // found after "action":
    const huge = `{"thoughts": "${'x'.repeat(1_000_000)}", "action": "hit"}`;
    expect(parseJsonAction(huge, BJ)).toMatchObject({ action: 'hit', formatValid: true });
  });
});
