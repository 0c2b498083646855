// Visual Sokoban as ARLArena users train it, as a GameEnv and its registry entry.
import { formatThinkAction } from '../answers';
import { BaseEnv, narrowEnv, type Transition } from '../env';
import { parseThinkAction } from '../parsing/thinkAction';
import { createRng } from '../rng';
import { parseSettingsWith } from '../settings';
import type { GameDefinition, GameEnv, Observation } from '../types';
import { sokobanExpertMove } from './expert';
import { generateLevel, type SokobanLevel } from './level';
import { sokobanPrompt } from './prompt';
import { renderSokoban } from './render';
import { isMove, MOVES, PENALTY_FOR_STEP, SokobanBoard } from './rules';
import { SokobanSettings } from './settings';
import { SokobanSolverError, solveSokoban } from './solver';

// 'still' is a word the reference parser knows; it maps to the no-op.
export const SOKOBAN_VOCABULARY = ['up', 'down', 'left', 'right', 'still'] as const;

export class SokobanEnv extends BaseEnv {
  readonly gameId = 'sokoban' as const;
  readonly level: SokobanLevel;
  private current: SokobanBoard;

  /** level: play this level instead of generating one (tests, replays of stored levels). */
  constructor(
    readonly settings: SokobanSettings,
    seed: number,
    level?: SokobanLevel,
  ) {
    super(seed, settings.maxTurns);
    const fits = (lv: SokobanLevel): boolean => {
      try {
        return solveSokoban(lv, lv.player, lv.boxes, settings.solverNodeLimit).moves.length <= settings.maxTurns;
      } catch (e) {
        if (e instanceof SokobanSolverError && e.reason === 'unsolvable') return false;
        if (e instanceof SokobanSolverError)
          throw new Error(`sokoban: cannot check that levels fit ${settings.maxTurns} turns: ${e.message}; turn fitTurnLimit off or raise solverNodeLimit`);
        throw e;
      }
    };
    this.level =
      level ??
      generateLevel(
        { rows: settings.rows, cols: settings.cols, boxes: settings.boxes, searchDepth: settings.searchDepth, accept: settings.fitTurnLimit ? fits : undefined },
        createRng(seed, 'sokoban'),
      );
    this.current = new SokobanBoard(this.level);
  }

  /** The live board (the expert reads it; do not mutate). */
  get board(): SokobanBoard {
    return this.current;
  }

  admissibleActions(): string[] {
    return [...MOVES];
  }

  protected restart(): void {
    this.current = new SokobanBoard(this.level);
  }

  protected apply(action: string | null): Transition {
    if (action === null || !isMove(action)) {
      // ARLArena: action 0 leaves the board as it is and costs -0.1.
      return { reward: PENALTY_FOR_STEP, effective: false, won: false, over: false, applied: null, info: { moved_box: false } };
    }
    const o = this.current.move(action);
    return { reward: o.reward, effective: o.moved, won: o.won, over: o.won, applied: action, info: { moved_box: o.pushed, boxes_on_target: this.current.boxesOnTarget() } };
  }

  protected render(): Observation {
    return renderSokoban(this.level, this.current.player, this.current.box);
  }
}

const asSokoban = narrowEnv(SokobanEnv, 'sokoban');

export const sokobanGame: GameDefinition = {
  id: 'sokoban',
  title: 'Sokoban (visual)',
  summary: 'Push every box onto a target. 6×6 room, 1 box, levels by reverse play (depth 30), 15 turns, 256×256 frames.',
  answerFormat: 'think-action',
  actionVocabulary: SOKOBAN_VOCABULARY,
  settingsSchema: SokobanSettings,
  parseSettings: (raw) => parseSettingsWith(SokobanSettings, raw, 'sokoban'),
  create: (settings, seed) => new SokobanEnv(parseSettingsWith(SokobanSettings, settings, 'sokoban'), seed),
  buildPrompt: (env, options) => sokobanPrompt(asSokoban(env), options),
  parseReply: (reply) => parseThinkAction(reply, SOKOBAN_VOCABULARY),
  expertMove: (env) => {
    const s = asSokoban(env);
    return sokobanExpertMove(s.board, s.settings.solverNodeLimit);
  },
  formatAnswer: formatThinkAction,
};
