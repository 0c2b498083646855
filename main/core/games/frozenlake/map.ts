// Map generation as gym's generate_random_map: draw every square, put S and G
// in opposite corners, redraw until a safe path exists. We also redraw when
// the shortest path is longer than the turn limit, so the game is winnable.
import type { Rng } from '../rng';

export type Square = 'S' | 'F' | 'H' | 'G';

export interface LakeMap {
  size: number;
  squares: Square[]; // row-major
}

export const DIRS = ['up', 'down', 'left', 'right'] as const;
export type Dir = (typeof DIRS)[number];

/** The square one step away, or the same square at the lake's edge. */
export function stepFrom(size: number, cell: number, d: Dir): number {
  const r = Math.floor(cell / size);
  const c = cell % size;
  if (d === 'up') return r > 0 ? cell - size : cell;
  if (d === 'down') return r < size - 1 ? cell + size : cell;
  if (d === 'left') return c > 0 ? cell - 1 : cell;
  return c < size - 1 ? cell + 1 : cell;
}

/** Shortest safe path (moves) from a cell to the goal, or null. BFS, moves tried up, down, left, right. */
export function shortestPath(map: LakeMap, from: number): Dir[] | null {
  const goal = map.squares.indexOf('G');
  const prev = new Map<number, { cell: number; dir: Dir }>();
  const seen = new Set([from]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const cell = queue[q]!;
    if (cell === goal) {
      const path: Dir[] = [];
      for (let c = cell; c !== from; c = prev.get(c)!.cell) path.push(prev.get(c)!.dir);
      return path.reverse();
    }
    for (const d of DIRS) {
      const n = stepFrom(map.size, cell, d);
      if (seen.has(n) || map.squares[n] === 'H') continue;
      seen.add(n);
      prev.set(n, { cell, dir: d });
      queue.push(n);
    }
  }
  return null;
}

export function generateLakeMap(size: number, frozenProbability: number, maxPathLength: number, rng: Rng, maxAttempts = 10_000): LakeMap {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const squares: Square[] = [];
    for (let i = 0; i < size * size; i++) squares.push(rng.next() < frozenProbability ? 'F' : 'H');
    squares[0] = 'S';
    squares[size * size - 1] = 'G';
    const map = { size, squares };
    const path = shortestPath(map, 0);
    if (path && path.length <= maxPathLength) return map;
  }
  throw new Error(`frozenlake: no ${size}×${size} map with a safe path of at most ${maxPathLength} moves after ${maxAttempts} tries (raise frozenProbability or maxTurns)`);
}
