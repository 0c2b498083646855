import { describe, expect, it } from 'vitest';
import { getGame, GAMES, isGameId, listGames } from '../../../main/core/games';
import { countImageTags, fillTemplate, formatActionList } from '../../../main/core/games/prompt';
import type { HistoryEntry } from '../../../main/core/games/types';
import { envFrom } from '../../helpers/sokobanLevels';

describe('game registry', () => {
  it('lists the six games with their answer formats and default settings', () => {
    expect(listGames().map((g) => [g.id, g.answerFormat])).toEqual([
      ['sokoban', 'think-action'],
      ['frozenlake', 'think-action'],
      ['points24', 'json'],
      ['ezpoints', 'json'],
      ['numberline', 'json'],
      ['blackjack', 'json'],
    ]);
    for (const g of GAMES) expect(g.parseSettings({})).toEqual(g.parseSettings(undefined));
    expect(isGameId('sokoban')).toBe(true);
    expect(isGameId('tetris')).toBe(false);
    expect(() => getGame('tetris')).toThrow(/unknown game 'tetris'/);
  });
});

describe('prompts', () => {
  it('every game: one user message with exactly one <image> and its admissible actions', () => {
    for (const g of GAMES) {
      const env = g.create({}, 3);
      env.reset();
      const prompt = g.buildPrompt(env);
      expect(countImageTags(prompt), g.id).toBe(1);
      expect(prompt).toContain(formatActionList(env.admissibleActions()));
      if (g.answerFormat === 'think-action') {
        expect(prompt).toContain('<think> </think>');
        expect(prompt).toContain('<action> </action>');
      } else {
        expect(prompt).toMatch(/"thoughts": /);
        expect(prompt).toMatch(/"action": /);
      }
    }
  });

  it('Sokoban without history has the structure of the ARLArena visual template and does not change between turns', () => {
    const g = getGame('sokoban');
    const env = g.create({}, 5);
    env.reset();
    const p0 = g.buildPrompt(env);
    const sections = ['# Rules', '# Visual Elements in the Image', '# Current Step'].map((h) => p0.indexOf(h));
    expect(sections.every((i) => i > 0)).toBe(true);
    expect(sections).toEqual([...sections].sort((a, b) => a - b));
    expect(p0).toContain('Your admissible actions are ["up", "down", "left", "right"].');
    expect(p0).toMatch(/green alien/);
    expect(p0).toMatch(/yellow crate with an orange "X"/);
    expect(p0).toMatch(/red border and a small red diamond/);
    expect(p0.indexOf('<image>')).toBeGreaterThan(sections[2]!);
    env.step('up');
    expect(g.buildPrompt(env, { historyTurns: 0, history: [{ turn: 0, action: 'up', reward: -0.1, effective: false }] })).toBe(p0);
  });

  it('with history k shows only the last k turns', () => {
    const g = getGame('sokoban');
    const env = envFrom(['######', '#P_XO#', '######']);
    env.reset();
    const history: HistoryEntry[] = [];
    for (const a of ['up', null, 'left', 'down']) {
      const r = env.step(a);
      history.push({ turn: env.turn - 1, action: r.action, reward: r.reward, effective: r.effective });
    }
    const p = g.buildPrompt(env, { historyTurns: 2, history });
    expect(p).toContain('You have taken 4 step(s) so far');
    expect(p).toContain('Turn 3: "left" (no effect), reward -0.1');
    expect(p).toContain('Turn 4: "down" (no effect), reward -0.1');
    expect(p).not.toContain('Turn 2:');
    expect(p).toContain('You are now at step 5');
    expect(countImageTags(p)).toBe(1);
    const cards = getGame('blackjack');
    const bj = cards.create({}, 1);
    bj.reset();
    expect(cards.buildPrompt(bj, { historyTurns: 1, history: [{ turn: 0, action: null, reward: 0, effective: false }] })).toContain('Turn 1: no valid action');
  });

  it('point games show the current formula', () => {
    const g = getGame('points24');
    const env = g.create({}, 2);
    env.reset();
    env.step('(');
    expect(g.buildPrompt(env)).toContain("The current formula is: '('");
  });

  it("uses a user's template when given, with placeholders filled and Python's {{ }} escapes", () => {
    const g = getGame('ezpoints');
    const env = g.create({}, 2);
    env.reset();
    env.step('*');
    const t = '<image>Formula so far: {text_formula}. Pick from {actions}. Reply {{"action": ...}} {unknown}';
    expect(g.buildPrompt(env, { template: t })).toBe(
      '<image>Formula so far: *. Pick from ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "+", "*", "="]. Reply {"action": ...} {unknown}',
    );
    expect(() => g.buildPrompt(env, { template: 'no image here' })).toThrow(/exactly one <image>/);
    expect(fillTemplate('{a}{{a}}{b}', { a: 'x' })).toBe('x{a}{b}');
  });
});
