// FrozenLake as a GameEnv and its registry entry. Reward 1 on the goal, 0
// otherwise (gym's); a hole ends the episode.
import { formatThinkAction } from '../answers';
import { BaseEnv, narrowEnv, type Transition } from '../env';
import { parseThinkAction } from '../parsing/thinkAction';
import { createRng, type Rng } from '../rng';
import { parseSettingsWith } from '../settings';
import type { GameDefinition, GameEnv, Observation } from '../types';
import { frozenLakeExpertMove, slipOutcomes } from './expert';
import { DIRS, generateLakeMap, stepFrom, type Dir, type LakeMap } from './map';
import { frozenLakePrompt } from './prompt';
import { renderLake } from './render';
import { FrozenLakeSettings } from './settings';

const VOCABULARY = ['up', 'down', 'left', 'right'] as const;
const isDir = (a: string): a is Dir => (DIRS as readonly string[]).includes(a);

export class FrozenLakeEnv extends BaseEnv {
  readonly gameId = 'frozenlake' as const;
  readonly map: LakeMap;
  private cell = 0;
  private slips: Rng;

  constructor(
    readonly settings: FrozenLakeSettings,
    seed: number,
  ) {
    super(seed, settings.maxTurns);
    this.map = generateLakeMap(settings.size, settings.frozenProbability, settings.maxTurns, createRng(seed, 'frozenlake'));
    this.slips = createRng(seed, 'frozenlake/slips');
  }

  get player(): number {
    return this.cell;
  }

  admissibleActions(): string[] {
    return [...DIRS];
  }

  protected restart(): void {
    this.cell = 0;
    this.slips = createRng(this.seed, 'frozenlake/slips'); // same slips for the same moves after a reset
  }

  protected apply(action: string | null): Transition {
    if (action === null || !isDir(action)) return { reward: 0, effective: false, won: false, over: false, applied: null };
    const actual = this.settings.slippery ? this.slips.pick(slipOutcomes(action)) : action;
    const to = stepFrom(this.map.size, this.cell, actual);
    const moved = to !== this.cell;
    this.cell = to;
    const sq = this.map.squares[to];
    const won = sq === 'G';
    return { reward: won ? 1 : 0, effective: moved, won, over: won || sq === 'H', applied: action, info: { moved_to: actual, fell: sq === 'H' } };
  }

  protected render(): Observation {
    return renderLake(this.map, this.cell);
  }
}

const asLake = narrowEnv(FrozenLakeEnv, 'frozenlake');

export const frozenLakeGame: GameDefinition = {
  id: 'frozenlake',
  title: 'FrozenLake',
  summary: 'Cross the ice from the start to the goal without falling into a hole. 4×4 map, not slippery, 15 turns.',
  answerFormat: 'think-action',
  actionVocabulary: VOCABULARY,
  settingsSchema: FrozenLakeSettings,
  parseSettings: (raw) => parseSettingsWith(FrozenLakeSettings, raw, 'frozenlake'),
  create: (settings, seed) => new FrozenLakeEnv(parseSettingsWith(FrozenLakeSettings, settings, 'frozenlake'), seed),
  buildPrompt: (env, options) => frozenLakePrompt(env, asLake(env).settings.slippery, options),
  parseReply: (reply) => parseThinkAction(reply, VOCABULARY),
  expertMove: (env) => {
    const e = asLake(env);
    return frozenLakeExpertMove(e.map, e.player, e.settings.slippery, e.maxTurns - e.turn);
  },
  formatAnswer: formatThinkAction,
};
