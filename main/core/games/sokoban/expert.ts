// The Sokoban expert: the next move of an optimal plan, with a short reason
// in plain words (positions as the image shows them, 1-based with the walls).
import type { ExpertMove } from '../types';
import { TARGET } from './level';
import { moveDelta, type Move, type SokobanBoard } from './rules';
import { solveSokoban } from './solver';

const where = (cell: number, cols: number): string => `row ${Math.floor(cell / cols) + 1}, column ${(cell % cols) + 1}`;

const listCells = (cells: number[], cols: number): string => cells.map((c) => where(c, cols)).join('; ');

// Plans are cached per board: the expert re-solves only when the board is not where the plan expects.
const plans = new WeakMap<SokobanBoard, { key: string; moves: Move[] }>();
const boardKey = (b: SokobanBoard): string => `${b.player}|${b.boxCells().join(',')}`;

export function planFor(board: SokobanBoard, nodeLimit: number): Move[] {
  const key = boardKey(board);
  const cached = plans.get(board);
  if (cached && cached.key === key) return cached.moves;
  const moves = solveSokoban(board.level, board.player, board.boxCells(), nodeLimit).moves;
  plans.set(board, { key, moves });
  return moves;
}

/** Remember where the board will be after the first move, so the next turn reuses the plan. */
function advancePlan(board: SokobanBoard, moves: Move[], next: { player: number; boxes: number[] }): void {
  plans.set(board, { key: `${next.player}|${next.boxes.join(',')}`, moves: moves.slice(1) });
}

export function sokobanExpertMove(board: SokobanBoard, nodeLimit: number): ExpertMove {
  const { level } = board;
  const { cols, fixed } = level;
  const moves = planFor(board, nodeLimit);
  const move = moves[0];
  if (move === undefined) throw new Error('sokoban expert: the puzzle is already solved');

  const boxes = board.boxCells();
  const targets: number[] = [];
  for (let i = 0; i < fixed.length; i++) if (fixed[i] === TARGET) targets.push(i);
  const onTarget = boxes.filter((b) => fixed[b] === TARGET).length;

  const d = moveDelta(move, cols);
  const to = board.player + d;
  const pushes = board.box[to] === 1;
  const nextBoxes = pushes ? boxes.map((b) => (b === to ? to + d : b)).sort((a, b) => a - b) : boxes;
  advancePlan(board, moves, { player: to, boxes: nextBoxes });

  const parts: string[] = [`I am at ${where(board.player, cols)}.`];
  if (boxes.length === 1) parts.push(`The box is at ${where(boxes[0]!, cols)} and the target is at ${where(targets[0]!, cols)}.`);
  else {
    parts.push(`The boxes are at ${listCells(boxes, cols)}; the targets are at ${listCells(targets, cols)}.`);
    parts.push(`${onTarget} of ${boxes.length} boxes are already on targets.`);
  }
  const shown = moves.length <= 12 ? ` (${moves.join(', ')})` : '';
  parts.push(`The shortest solution from here takes ${moves.length} move${moves.length === 1 ? '' : 's'}${shown}.`);

  if (pushes) {
    const landing = to + d;
    if (fixed[landing] === TARGET) {
      const last = onTarget + (fixed[to] === TARGET ? 0 : 1) === boxes.length;
      parts.push(`Pushing ${move} moves the box onto the target at ${where(landing, cols)}${last ? ', which completes the puzzle' : ''}.`);
    } else {
      parts.push(`Pushing ${move} moves the box from ${where(to, cols)} to ${where(landing, cols)}, where it can still reach a target without getting stuck.`);
    }
  } else {
    const nextPush = moves.slice(1).findIndex((m, i) => {
      // Replay the walk to see when the next push happens.
      let p = to;
      for (const w of moves.slice(1, i + 1)) p += moveDelta(w, cols);
      return board.box[p + moveDelta(m, cols)] === 1;
    });
    if (nextPush === 0) parts.push(`Walking ${move} puts me next to the box at ${where(to + moveDelta(moves[1]!, cols), cols)}, so I can push it ${moves[1]!} next.`);
    else if (nextPush > 0) parts.push(`Walking ${move} to ${where(to, cols)} brings me toward the side of the box I need, so I can later push it ${moves[nextPush + 1]!}.`);
    else parts.push(`Walking ${move} takes me to ${where(to, cols)}.`);
  }
  return { action: move, reasoning: parts.join(' ') };
}
