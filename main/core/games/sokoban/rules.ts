// Sokoban moves and rewards with gym_sokoban's constants: -0.1 a step, +1 for
// a box pushed onto a target, -1 for one pushed off, +10 when all are on.
import { TARGET, WALL, type SokobanLevel } from './level';

export const MOVES = ['up', 'down', 'left', 'right'] as const;
export type Move = (typeof MOVES)[number];

export const PENALTY_FOR_STEP = -0.1;
export const REWARD_BOX_ON_TARGET = 1;
export const PENALTY_BOX_OFF_TARGET = -1;
export const REWARD_FINISHED = 10;

export function moveDelta(move: Move, cols: number): number {
  return move === 'up' ? -cols : move === 'down' ? cols : move === 'left' ? -1 : 1;
}

export function isMove(a: string): a is Move {
  return (MOVES as readonly string[]).includes(a);
}

export interface MoveOutcome {
  moved: boolean;
  pushed: boolean;
  reward: number;
  won: boolean;
}

/** The mutable part of a level: where the player and the boxes are. */
export class SokobanBoard {
  player: number;
  readonly box: Uint8Array;

  constructor(readonly level: SokobanLevel) {
    this.player = level.player;
    this.box = new Uint8Array(level.fixed.length);
    for (const b of level.boxes) this.box[b] = 1;
  }

  boxesOnTarget(): number {
    let n = 0;
    for (let i = 0; i < this.box.length; i++) if (this.box[i] && this.level.fixed[i] === TARGET) n++;
    return n;
  }

  boxCells(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.box.length; i++) if (this.box[i]) out.push(i);
    return out;
  }

  solved(): boolean {
    return this.boxesOnTarget() === this.level.boxes.length;
  }

  /** gym_sokoban's push-or-move: push when a box is ahead and the cell past it is free, else walk if free. */
  move(m: Move): MoveOutcome {
    const { fixed, cols } = this.level;
    const before = this.boxesOnTarget();
    const d = moveDelta(m, cols);
    const next = this.player + d;
    let moved = false;
    let pushed = false;
    if (this.box[next]) {
      const beyond = next + d;
      const inside = beyond >= 0 && beyond < fixed.length;
      if (inside && fixed[beyond] !== WALL && !this.box[beyond]) {
        this.box[next] = 0;
        this.box[beyond] = 1;
        this.player = next;
        moved = pushed = true;
      }
    } else if (fixed[next] !== WALL) {
      this.player = next;
      moved = true;
    }
    const after = this.boxesOnTarget();
    let reward = PENALTY_FOR_STEP;
    if (after > before) reward += REWARD_BOX_ON_TARGET;
    else if (after < before) reward += PENALTY_BOX_OFF_TARGET;
    const won = after === this.level.boxes.length;
    if (won) reward += REWARD_FINISHED;
    return { moved, pushed, reward, won };
  }
}
