import { describe, expect, it } from 'vitest';
import { envFrom } from '../../../helpers/sokobanLevels';

const grid = (rows: string[]): string => rows.map((r) => [...r].join('\t')).join('\n');

describe('Sokoban push rules and rewards (gym_sokoban constants)', () => {
  it('walks on floor and bumps into walls for -0.1 without moving', () => {
    const env = envFrom(['#####', '#P__#', '#_XO#', '#####']);
    env.reset();
    const bump = env.step('up');
    expect(bump).toMatchObject({ reward: -0.1, effective: false, done: false, won: false, action: 'up' });
    expect(env.observe().text).toBe(grid(['#####', '#P__#', '#_XO#', '#####']));
    const walk = env.step('right');
    expect(walk).toMatchObject({ reward: -0.1, effective: true });
    expect(walk.observation.text).toBe(grid(['#####', '#_P_#', '#_XO#', '#####']));
    expect(env.turn).toBe(2);
  });

  it('cannot push a box into a wall or into another box', () => {
    const env = envFrom(['######', '#PXX_#', '#_X__#', '#_#_O#', '#___O#', '######'], { boxes: 3 });
    env.reset();
    const before = env.observe().text;
    expect(env.step('right')).toMatchObject({ reward: -0.1, effective: false, info: { moved_box: false } }); // box into box
    expect(env.observe().text).toBe(before);
    env.step('down'); // walk to (2,1)
    expect(env.step('right')).toMatchObject({ effective: true, info: { moved_box: true } }); // box (2,2) → (2,3)
    const env2 = envFrom(['#####', '#_PX#', '#__O#', '#####']);
    env2.reset();
    expect(env2.step('right')).toMatchObject({ reward: -0.1, effective: false }); // box against the wall
  });

  it('pays +1 onto a target, -1 off it, nothing extra target to target, +10 when all are on', () => {
    const env = envFrom(['#######', '#P_X_O#', '#_____#', '#_XOO_#', '#######'], { boxes: 2 });
    env.reset();
    expect(env.step('right').reward).toBe(-0.1); // walk next to the box
    expect(env.step('right').reward).toBe(-0.1); // box (1,3) → (1,4), no target
    const onto = env.step('right'); // box → (1,5): a target
    expect(onto.reward).toBeCloseTo(0.9, 12);
    expect(onto.done).toBe(false);

    const env2 = envFrom(['#######', '#_____#', '#P√O__#', '#_____#', '#__X_O#', '#######'], { boxes: 2 });
    env2.reset();
    expect(env2.step('right').reward).toBe(-0.1); // box on target → next target: count unchanged
    expect(env2.observe().text).toBe(grid(['#######', '#_____#', '#_S√__#', '#_____#', '#__X_O#', '#######']));
    const off = env2.step('right'); // off the target onto floor
    expect(off.reward).toBeCloseTo(-1.1, 12);
  });

  it('ends with +10.9 when the last box lands, won and done', () => {
    const env = envFrom(['######', '#PXO_#', '######']);
    env.reset();
    const r = env.step('right');
    expect(r).toMatchObject({ done: true, won: true, effective: true, truncated: false });
    expect(r.reward).toBeCloseTo(10.9, 12);
    expect(r.observation.text).toBe(grid(['######', '#_P√_#', '######']));
    expect(env.totalReward).toBeCloseTo(10.9, 12);
    expect(() => env.step('left')).toThrow(/after the episode ended/);
  });

  it('treats no action (and "still") as a -0.1 no-op that changes nothing but still counts as a turn', () => {
    const env = envFrom(['######', '#P_XO#', '######']);
    const start = env.reset();
    for (const a of [null, 'still', 'jump']) {
      const r = env.step(a);
      expect(r).toMatchObject({ reward: -0.1, effective: false, done: false, won: false, action: null });
      expect(r.observation.png.equals(start.png)).toBe(true);
    }
    expect(env.turn).toBe(3);
  });

  it('stops after maxTurns turns (no-ops included, as ARLArena loops max_steps times)', () => {
    const env = envFrom(['######', '#P_XO#', '######'], { maxTurns: 3 });
    env.reset();
    env.step(null);
    env.step('up');
    const last = env.step('left');
    expect(last).toMatchObject({ done: true, won: false, truncated: true });
    expect(env.totalReward).toBeCloseTo(-0.3, 12);
    env.reset();
    expect(env.turn).toBe(0);
    expect(env.done).toBe(false);
  });

  it('writes the text grid with all seven symbols', () => {
    const env = envFrom(['#######', '#S√XO_#', '#######'], { boxes: 2 });
    expect(env.reset().text).toBe('#\t#\t#\t#\t#\t#\t#\n#\tS\t√\tX\tO\t_\t#\n#\t#\t#\t#\t#\t#\t#');
    env.step('down'); // into the wall: nothing
    expect(env.observe().text).toContain('S');
  });
});
