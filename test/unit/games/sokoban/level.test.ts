import { describe, expect, it } from 'vitest';
import { getGame } from '../../../../main/core/games';
import { SokobanEnv } from '../../../../main/core/games/sokoban';
import { generateLevel, placeThings, reversePlay, roomTopology, TARGET, WALL, type SokobanLevel } from '../../../../main/core/games/sokoban/level';
import { solveSokoban, SokobanSolverError } from '../../../../main/core/games/sokoban/solver';
import { createRng } from '../../../../main/core/games/rng';
import { levelFrom } from '../../../helpers/sokobanLevels';

const sokoban = getGame('sokoban');
const make = (seed: number, settings: Record<string, unknown> = {}): SokobanEnv => sokoban.create(settings, seed) as SokobanEnv;

function checkShape(lv: SokobanLevel, boxes: number): void {
  const { rows, cols, fixed } = lv;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (r === 0 || c === 0 || r === rows - 1 || c === cols - 1) expect(fixed[r * cols + c]).toBe(WALL);
  expect(lv.boxes).toHaveLength(boxes);
  expect(fixed.filter((v) => v === TARGET)).toHaveLength(boxes);
  expect(lv.boxes.every((b) => fixed[b] !== WALL && fixed[b] !== TARGET)).toBe(true); // reverse play leaves every target uncovered
  expect(fixed[lv.player]).not.toBe(WALL);
  expect(fixed[lv.player]).not.toBe(TARGET);
  expect(lv.boxes).not.toContain(lv.player);
}

describe('Sokoban level generation (reverse play, as gym_sokoban)', () => {
  it('makes the same level and the same frame bytes from the same seed; other seeds differ', () => {
    const a = make(1234);
    const b = make(1234);
    expect(Buffer.from(a.level.fixed)).toEqual(Buffer.from(b.level.fixed));
    expect(a.level.boxes).toEqual(b.level.boxes);
    expect(a.level.player).toBe(b.level.player);
    expect(a.reset().png.equals(b.reset().png)).toBe(true);
    const frames = new Set<string>();
    for (let s = 0; s < 30; s++) frames.add(make(s).reset().png.toString('base64'));
    expect(frames.size).toBeGreaterThan(25);
  });

  it('builds walled rooms with boxes off their targets and the player on floor', () => {
    for (let s = 0; s < 100; s++) checkShape(make(s).level, 1);
    for (let s = 0; s < 20; s++) checkShape(make(s, { rows: 8, cols: 7, boxes: 2 }).level, 2);
  });

  it('is solvable by construction: the solver finds a solution for every seed even without the turn-limit filter', () => {
    for (let s = 0; s < 200; s++) {
      const lv = make(s, { fitTurnLimit: false }).level;
      const sol = solveSokoban(lv, lv.player, lv.boxes);
      expect(sol.moves.length).toBeGreaterThan(0);
      expect(sol.moves.length).toBeLessThanOrEqual(28); // reverse play explores at most searchDepth - 2 moves
    }
  });

  it('with fitTurnLimit (default) every level can be won within maxTurns', () => {
    for (let s = 0; s < 40; s++) {
      const env = make(s, { rows: 7, cols: 7, boxes: 2, maxTurns: 12 });
      expect(solveSokoban(env.level, env.level.player, env.level.boxes).moves.length).toBeLessThanOrEqual(12);
    }
  });

  it('reverse play scores pulls × displacement and only accepts states that uncover every target', () => {
    const rng = createRng(5);
    const room = roomTopology(6, 6, 20, rng);
    const placed = placeThings(room, 1, rng);
    expect(placed).not.toBeNull();
    const { score, state } = reversePlay(placed!, 6, 30);
    expect(score).toBeGreaterThanOrEqual(0);
    if (score > 0) expect(state.boxes[0]!.pos).not.toBe(state.boxes[0]!.home);
  });

  it('explains when no level fits (too many boxes for the room)', () => {
    expect(() => generateLevel({ rows: 4, cols: 4, boxes: 3, searchDepth: 30, maxAttempts: 20 }, createRng(1))).toThrow(/no usable 4×4 level with 3 box/);
  });

  it('rejects bad settings with the field named', () => {
    expect(() => sokoban.create({ rows: 99 }, 1)).toThrow(/sokoban settings: rows/);
    expect(() => sokoban.create({ colour: 'red' }, 1)).toThrow(/sokoban settings/);
    expect(sokoban.parseSettings({})).toMatchObject({ rows: 6, cols: 6, boxes: 1, maxTurns: 15, searchDepth: 30 });
  });
});

describe('Sokoban optimal solver', () => {
  it('finds the shortest plan', () => {
    const lv = levelFrom(['#######', '#P_X_O#', '#######']);
    expect(solveSokoban(lv, lv.player, lv.boxes).moves).toEqual(['right', 'right', 'right']);
    const lv2 = levelFrom(['######', '#O___#', '#_X__#', '#__P_#', '######']);
    const plan = solveSokoban(lv2, lv2.player, lv2.boxes).moves;
    expect(plan.length).toBe(5); // e.g. right, up, left, left... any optimal plan has 5 moves
  });

  it('reports a stuck box as unsolvable and a huge search as a node-limit error', () => {
    const stuck = levelFrom(['#####', '#X_O#', '#_P_#', '#####']); // box in a corner
    expect(() => solveSokoban(stuck, stuck.player, stuck.boxes)).toThrow(SokobanSolverError);
    try {
      solveSokoban(stuck, stuck.player, stuck.boxes);
    } catch (e) {
      expect((e as SokobanSolverError).reason).toBe('unsolvable');
    }
    const big = levelFrom(['############', '#P_________#', '#_X__X__X__#', '#__________#', '#_X__X_____#', '#__________#', '#_______OOO#', '#________OO#', '############']);
    expect(() => solveSokoban(big, big.player, big.boxes, 2000)).toThrow(/gave up after 2000 states/);
  });
});
