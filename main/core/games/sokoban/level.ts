// Level generation as gym_sokoban (0.0.6, with RAGEN's search-depth knob) does
// it: a random-walk room inside a wall border, player and boxes-on-targets
// placed on floor, then reverse play from the solved state (the player pulls
// boxes, depth-first) keeping the best-scoring state. A level is therefore
// solvable by construction. Our own seeded PRNG replaces numpy/random, so the
// levels follow the same distribution, not the same bits.
import type { Rng } from '../rng';

export const WALL = 0;
export const FLOOR = 1;
export const TARGET = 2;

export interface SokobanLevel {
  rows: number;
  cols: number;
  /** The room without movable things: WALL, FLOOR or TARGET per cell, row-major. */
  fixed: Uint8Array;
  /** Box cells (row * cols + col), ascending. */
  boxes: number[];
  player: number;
}

export interface GenerateOptions {
  rows: number;
  cols: number;
  boxes: number;
  searchDepth: number;
  /** gym_sokoban: int(1.7 * (rows + cols)). */
  walkSteps?: number;
  /** Extra acceptance test (e.g. the optimal solution fits the turn limit). */
  accept?: (level: SokobanLevel) => boolean;
  maxAttempts?: number;
}

// Room shapes stamped along the random walk (gym_sokoban's masks).
const MASKS: ReadonlyArray<readonly number[]> = [
  [0, 0, 0, 1, 1, 1, 0, 0, 0],
  [0, 1, 0, 0, 1, 0, 0, 1, 0],
  [0, 0, 0, 1, 1, 0, 0, 1, 0],
  [0, 0, 0, 1, 1, 0, 1, 1, 0],
  [0, 0, 0, 0, 1, 1, 0, 1, 0],
];
const WALK_DIRS: ReadonlyArray<readonly [number, number]> = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
];
const P_CHANGE_DIRECTION = 0.35;
// The reference DFS stops exploring after this many states.
const MAX_EXPLORED = 300_000;

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

export function roomTopology(rows: number, cols: number, steps: number, rng: Rng): Uint8Array {
  const level = new Uint8Array(rows * cols);
  let dir = rng.pick(WALK_DIRS);
  let r = rng.range(1, rows - 1);
  let c = rng.range(1, cols - 1);
  for (let s = 0; s < steps; s++) {
    if (rng.next() < P_CHANGE_DIRECTION) dir = rng.pick(WALK_DIRS);
    r = clamp(r + dir[0], 1, rows - 2);
    c = clamp(c + dir[1], 1, cols - 2);
    const mask = rng.pick(MASKS);
    for (let i = 0; i < 9; i++) if (mask[i]) level[(r - 1 + Math.floor(i / 3)) * cols + (c - 1 + (i % 3))] = FLOOR;
  }
  for (let i = 0; i < rows * cols; i++) {
    const rr = Math.floor(i / cols);
    const cc = i % cols;
    if (rr === 0 || cc === 0 || rr === rows - 1 || cc === cols - 1) level[i] = WALL;
  }
  return level;
}

interface Placement {
  fixed: Uint8Array;
  player: number;
  targets: number[];
}

/** Player first, then each box (on its own target) on a random free floor cell; null when the room is too small. */
export function placeThings(room: Uint8Array, boxes: number, rng: Rng): Placement | null {
  const free: number[] = [];
  for (let i = 0; i < room.length; i++) if (room[i] === FLOOR) free.push(i);
  if (free.length <= boxes + 1) return null;
  const take = (): number => free.splice(rng.int(free.length), 1)[0]!;
  const player = take();
  const targets: number[] = [];
  for (let b = 0; b < boxes; b++) targets.push(take());
  const fixed = room.slice();
  for (const t of targets) fixed[t] = TARGET;
  return { fixed, player, targets };
}

interface RevBox {
  home: number; // the target it started on
  pos: number;
  moved: boolean; // gym marks pulled boxes 3, untouched ones 4; the state hash sees it
}

interface RevState {
  player: number;
  boxes: RevBox[];
}

/**
 * Reverse play: depth-first over 8 actions (4 pulls, then 4 plain moves), a
 * global explored set, ttl = search depth. Score = pulls on the path × total
 * Manhattan displacement, and 0 unless every target is uncovered. (gym counts
 * "box swaps" but passes the root's last_pull down, so it counts pulls; we
 * keep that behaviour, it shapes the levels users train on.)
 */
export function reversePlay(p: Placement, cols: number, searchDepth: number): { score: number; state: RevState } {
  const { fixed } = p;
  const nTargets = p.targets.length;
  const explored = new Set<string>();
  const start: RevState = { player: p.player, boxes: p.targets.map((t) => ({ home: t, pos: t, moved: false })) };
  let best: RevState = start;
  let bestScore = -1;
  const deltas = [-cols, cols, -1, 1]; // up, down, left, right

  const key = (s: RevState): string => {
    const parts = s.boxes.map((b) => b.pos * 2 + (b.moved ? 1 : 0)).sort((a, b) => a - b);
    return `${s.player}:${parts.join(',')}`;
  };
  const boxAt = (s: RevState, cell: number): RevBox | undefined => s.boxes.find((b) => b.pos === cell);

  const visit = (s: RevState, pulls: number, ttlIn: number): void => {
    const ttl = ttlIn - 1;
    if (ttl <= 0 || explored.size >= MAX_EXPLORED) return;
    const k = key(s);
    if (explored.has(k)) return;
    let uncovered = 0;
    for (let i = 0; i < fixed.length; i++) if (fixed[i] === TARGET && i !== s.player && !boxAt(s, i)) uncovered++;
    let displacement = 0;
    for (const b of s.boxes) displacement += Math.abs(Math.floor(b.pos / cols) - Math.floor(b.home / cols)) + Math.abs((b.pos % cols) - (b.home % cols));
    const score = uncovered === nTargets ? pulls * displacement : 0;
    if (score > bestScore) {
      bestScore = score;
      best = { player: s.player, boxes: s.boxes.map((b) => ({ ...b })) };
    }
    explored.add(k);
    for (let action = 0; action < 8; action++) {
      const d = deltas[action % 4]!;
      const next = s.player + d;
      const boxes = s.boxes.map((b) => ({ ...b }));
      let player = s.player;
      let pulled = false;
      if (fixed[next] !== WALL && !boxes.some((b) => b.pos === next)) {
        player = next;
        if (action < 4) {
          const behind = boxes.find((b) => b.pos === s.player - d);
          if (behind) {
            behind.pos = s.player;
            behind.moved = true;
            pulled = true;
          }
        }
      }
      visit({ player, boxes }, pulls + (pulled ? 1 : 0), ttl);
    }
  };
  visit(start, 0, searchDepth);
  return { score: bestScore, state: best };
}

/** A level by the reference procedure; retries (from the same stream) until one scores above 0 and passes accept. */
export function generateLevel(opts: GenerateOptions, rng: Rng): SokobanLevel {
  const { rows, cols, boxes, searchDepth } = opts;
  const walkSteps = opts.walkSteps ?? Math.trunc(1.7 * (rows + cols));
  const maxAttempts = opts.maxAttempts ?? 500;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const room = roomTopology(rows, cols, walkSteps, rng);
    const placed = placeThings(room, boxes, rng);
    if (!placed) continue;
    const { score, state } = reversePlay(placed, cols, searchDepth);
    if (score <= 0) continue; // the boxes never moved: try another room
    const level: SokobanLevel = { rows, cols, fixed: placed.fixed, boxes: state.boxes.map((b) => b.pos).sort((a, b) => a - b), player: state.player };
    if (opts.accept && !opts.accept(level)) continue;
    return level;
  }
  throw new Error(
    `sokoban: no usable ${rows}×${cols} level with ${boxes} box(es) after ${maxAttempts} attempts (room too small for the boxes, or search depth ${searchDepth} too low?)`,
  );
}
