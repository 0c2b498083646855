// FrozenLake expert: the shortest safe path (BFS) on firm ice; on slippery ice
// the move that maximises the chance of reaching the goal in the turns left
// (finite-horizon value iteration over the slip model).
import type { ExpertMove } from '../types';
import { DIRS, shortestPath, stepFrom, type Dir, type LakeMap } from './map';

const where = (cell: number, size: number): string => `row ${Math.floor(cell / size) + 1}, column ${(cell % size) + 1}`;

/** gym's slip model: the intended move or either perpendicular one, a third each. */
export function slipOutcomes(d: Dir): Dir[] {
  return d === 'up' || d === 'down' ? [d, 'left', 'right'] : [d, 'up', 'down'];
}

export function bestSlipperyMove(map: LakeMap, from: number, turnsLeft: number): { dir: Dir; p: number } {
  const n = map.squares.length;
  let v = new Float64Array(n);
  const terminal = (i: number): boolean => map.squares[i] === 'H' || map.squares[i] === 'G';
  for (let i = 0; i < n; i++) if (map.squares[i] === 'G') v[i] = 1;
  let best: { dir: Dir; p: number } = { dir: 'down', p: 0 };
  for (let t = 0; t < turnsLeft; t++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (terminal(i)) {
        next[i] = v[i]!;
        continue;
      }
      let bestP = -1;
      for (const d of DIRS) {
        const p = slipOutcomes(d).reduce((s, o) => s + v[stepFrom(map.size, i, o)]! / 3, 0);
        if (p > bestP + 1e-12) {
          bestP = p;
          if (i === from && t === turnsLeft - 1) best = { dir: d, p };
        }
      }
      next[i] = bestP;
    }
    v = next;
  }
  return best;
}

export function frozenLakeExpertMove(map: LakeMap, player: number, slippery: boolean, turnsLeft: number): ExpertMove {
  const goal = map.squares.indexOf('G');
  const intro = `I am at ${where(player, map.size)} and the goal is at ${where(goal, map.size)}.`;
  if (slippery) {
    const { dir, p } = bestSlipperyMove(map, player, Math.max(1, turnsLeft));
    return {
      action: dir,
      reasoning: `${intro} The ice is slippery, so a move can slide me sideways. With ${turnsLeft} turn(s) left, moving ${dir} gives the best chance of reaching the goal without falling into a hole (about ${Math.round(p * 100)}%).`,
    };
  }
  const path = shortestPath(map, player);
  if (!path || path.length === 0) throw new Error('frozenlake expert: no safe path to the goal from here');
  const dir = path[0]!;
  const to = stepFrom(map.size, player, dir);
  const holesNear = DIRS.map((d) => stepFrom(map.size, to, d)).filter((c) => map.squares[c] === 'H').length;
  const shown = path.length <= 12 ? ` (${path.join(', ')})` : '';
  const care = holesNear > 0 ? ' There are holes next to that square, so I keep to the safe ice.' : '';
  return {
    action: dir,
    reasoning: `${intro} The shortest safe path takes ${path.length} move${path.length === 1 ? '' : 's'}${shown}. Moving ${dir} takes me to ${where(to, map.size)}${to === goal ? ', the goal' : ''}.${care}`,
  };
}
