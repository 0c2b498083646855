// Optimal Sokoban solver: breadth-first search over (player, boxes) states,
// so the plan has the fewest moves (every move costs the same -0.1). Pushes
// onto dead squares (from which no box can ever reach a target) are pruned,
// which keeps optimality. Fine for the small rooms users train on; beyond the
// node limit it stops with a clear error instead of eating memory.
import { TARGET, WALL, type SokobanLevel } from './level';
import { MOVES, moveDelta, type Move } from './rules';

export class SokobanSolverError extends Error {
  constructor(
    readonly reason: 'node-limit' | 'unsolvable',
    message: string,
  ) {
    super(message);
    this.name = 'SokobanSolverError';
  }
}

export interface SolveResult {
  moves: Move[];
  /** States expanded. */
  nodes: number;
}

/** Squares a box can stand on and still reach some target (reverse pulls from every target). */
export function liveSquares(level: SokobanLevel): Uint8Array {
  const { fixed, cols } = level;
  const live = new Uint8Array(fixed.length);
  const queue: number[] = [];
  for (let i = 0; i < fixed.length; i++)
    if (fixed[i] === TARGET) {
      live[i] = 1;
      queue.push(i);
    }
  for (let q = 0; q < queue.length; q++) {
    const cell = queue[q]!;
    for (const m of MOVES) {
      const d = moveDelta(m, cols);
      const from = cell - d; // box came from here, pushed by a player standing at from - d
      const stand = from - d;
      if (from < 0 || stand < 0 || from >= fixed.length || stand >= fixed.length) continue;
      if (fixed[from] === WALL || fixed[stand] === WALL || live[from]) continue;
      live[from] = 1;
      queue.push(from);
    }
  }
  return live;
}

const stateKey = (player: number, boxes: readonly number[]): string => String.fromCharCode(player, ...boxes);

export function solveSokoban(level: SokobanLevel, player: number, boxes: readonly number[], nodeLimit = 2_000_000): SolveResult {
  const { fixed, cols } = level;
  const live = liveSquares(level);
  const isGoal = (bs: readonly number[]): boolean => bs.every((b) => fixed[b] === TARGET);
  const start = [...boxes].sort((a, b) => a - b);
  if (isGoal(start)) return { moves: [], nodes: 0 };

  // Parallel arrays: each state's boxes, player, parent index and the move into it.
  const statesBoxes: number[][] = [start];
  const statesPlayer: number[] = [player];
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const seen = new Set<string>([stateKey(player, start)]);

  for (let head = 0; head < statesBoxes.length; head++) {
    if (head >= nodeLimit)
      throw new SokobanSolverError('node-limit', `sokoban solver: gave up after ${nodeLimit} states (room too large or too many boxes for the optimal solver)`);
    const bs = statesBoxes[head]!;
    const p = statesPlayer[head]!;
    for (let mi = 0; mi < MOVES.length; mi++) {
      const d = moveDelta(MOVES[mi]!, cols);
      const next = p + d;
      if (fixed[next] === WALL) continue;
      let nb = bs;
      const bi = bs.indexOf(next);
      if (bi >= 0) {
        const beyond = next + d;
        if (beyond < 0 || beyond >= fixed.length || fixed[beyond] === WALL || bs.includes(beyond) || !live[beyond]) continue;
        nb = bs.slice();
        nb[bi] = beyond;
        nb.sort((a, b) => a - b);
      }
      const k = stateKey(next, nb);
      if (seen.has(k)) continue;
      seen.add(k);
      statesBoxes.push(nb);
      statesPlayer.push(next);
      parent.push(head);
      via.push(mi);
      if (nb !== bs && isGoal(nb)) {
        const moves: Move[] = [];
        for (let s = statesBoxes.length - 1; s > 0; s = parent[s]!) moves.push(MOVES[via[s]!]!);
        return { moves: moves.reverse(), nodes: head + 1 };
      }
    }
  }
  throw new SokobanSolverError('unsolvable', 'sokoban solver: no sequence of moves solves this position (a box is stuck)');
}
