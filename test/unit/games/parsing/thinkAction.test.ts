import { describe, expect, it } from 'vitest';
import { parseThinkAction } from '../../../../main/core/games/parsing/thinkAction';

const V = ['up', 'down', 'left', 'right', 'still'];
const p = (reply: unknown) => parseThinkAction(reply, V);

describe('strict think/action parser (ARLArena sokoban_projection)', () => {
  it('accepts exactly one think block then one action block, case-insensitive, whitespace around', () => {
    expect(p('<think>box is left</think>\n<action>right</action>')).toEqual({ action: 'right', actionValid: true, formatValid: true, think: 'box is left' });
    expect(p('  \n<THINK> a </Think>   <Action> Right </ACTION>\n\n')).toEqual({ action: 'right', actionValid: true, formatValid: true, think: 'a' });
    expect(p('<think>\nmulti\nline\n</think><action>\nup\n</action>')).toMatchObject({ action: 'up', formatValid: true, think: 'multi\nline' });
  });

  it('matches the action by substring in the order up, down, left, right, still', () => {
    expect(p('<think>t</think><action>move UP now</action>').action).toBe('up');
    expect(p('<think>t</think><action>right then up</action>').action).toBe('up'); // 'up' is tried first
    expect(p('<think>t</think><action>pushdown</action>').action).toBe('down');
    expect(p('<think>t</think><action>still</action>')).toMatchObject({ action: 'still', actionValid: true, formatValid: true });
  });

  it('strict shape with an unknown action: no action, invalid, format still valid', () => {
    expect(p('<think>t</think><action>jump</action>')).toEqual({ action: null, actionValid: false, formatValid: true, think: 't' });
    expect(p('<think>t</think><action></action>')).toMatchObject({ action: null, actionValid: false, formatValid: true });
  });

  it('broken shape but an action tag: the action still runs, both flags false', () => {
    const cases = [
      'Let me think. <action>left</action>', // no think
      '<action>left</action><think>t</think>', // wrong order
      '<think>t</think> extra words <action>left</action>', // text between
      '<think>t</think><action>left</action> trailing', // text after
      'preface <think>t</think><action>left</action>', // text before
      '<think>a</think><think>b</think><action>left</action>', // two thinks
      '<think>t</think><action>left</action><action>up</action>', // two actions: first one runs
      '<think>t <action>x</action></think><action>left</action>', // nested tag
      '<think>我想向左</think><action>left</action>', // CJK
      '<think>t</think><action>left</action></action>', // extra close tag
    ];
    for (const c of cases) {
      const r = p(c);
      expect(r.formatValid, c).toBe(false);
      expect(r.actionValid, c).toBe(false);
    }
    expect(p(cases[0]!).action).toBe('left');
    expect(p(cases[6]!).action).toBe('left');
    expect(p(cases[7]!).action).toBe(null); // first action tag holds 'x'
    expect(p(cases[8]!)).toMatchObject({ action: 'left', think: '我想向左' });
  });

  it('no action tag: no action (the env makes it a -0.1 no-op)', () => {
    for (const c of ['', '   ', 'up', '<think>go up</think>', '<think>t</think><action>up', '<action up>', 'I choose <action>']) {
      expect(p(c), JSON.stringify(c)).toMatchObject({ action: null, actionValid: false, formatValid: false });
    }
    expect(p('<think>go up</think>').think).toBe('go up');
    expect(p('<think>unclosed').think).toBe(null);
  });

  it('never throws on any input', () => {
    for (const c of [undefined, null, 42, {}, [], Symbol('x'), () => 1, new Uint8Array(3)])
      expect(p(c)).toEqual({ action: null, actionValid: false, formatValid: false, think: null });
    const weird = [
      '\u0000<think>\u0000</think><action>\u0000up</action>',
      '<think>😀 émoji ∑</think><action>ЛЕВО left</action>',
      '<think>İ</think><action>İup</action>',
      '\uD800<think>x</think><action>up</action>',
    ];
    for (const w of weird) expect(() => p(w)).not.toThrow();
    expect(p(weird[1]!)).toMatchObject({ action: 'left', formatValid: true });
  });

  it('stays fast on huge and adversarial replies', () => {
    const huge = `<think>${'a'.repeat(2_000_000)}</think><action>down</action>`;
    let t = Date.now();
    expect(p(huge)).toMatchObject({ action: 'down', formatValid: true });
    const many = '<think>'.repeat(50_000) + '</think>'.repeat(50_000) + '<action>up</action>'.repeat(20_000);
    expect(p(many)).toMatchObject({ action: 'up', formatValid: false });
    const spaces = `<think>x</think><action>up</action>${' '.repeat(500_000)}x`;
    expect(p(spaces)).toMatchObject({ formatValid: false, action: 'up' });
    expect(Date.now() - t).toBeLessThan(2000);
    t = Date.now();
    expect(p('<action>'.repeat(100_000))).toMatchObject({ action: null });
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
