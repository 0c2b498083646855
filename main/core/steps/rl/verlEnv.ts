// Our games as verl-agent environments: the env name make_envs() dispatches on
// and the Hydra overrides that set the game up like the studio's own settings.
import { StudioError } from '../../util/errors';

export interface VerlEnv {
  envName: string;
  /** Hydra overrides besides env.env_name / env.max_steps / env.seed / env.rollout.n. */
  overrides: string[];
  /** Said in the README where verl-agent's env cannot follow a studio setting. */
  notes: string[];
}

const GYM_CARDS: Record<string, string> = {
  points24: 'gym_cards/Points24-v0',
  ezpoints: 'gym_cards/EZPoints-v0',
  numberline: 'gym_cards/NumberLine-v0',
  blackjack: 'gym_cards/Blackjack-v0',
};

const int = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new StudioError('bad_input', `game setting ${name} must be an integer`);
  return v;
};

export function verlEnvFor(game: string, settings: Record<string, unknown>): VerlEnv {
  if (game === 'sokoban') {
    return {
      envName: 'Sokoban',
      overrides: [
        `env.sokoban.dim_room=[${int(settings.rows, 'rows')},${int(settings.cols, 'cols')}]`,
        `env.sokoban.num_boxes=${int(settings.boxes, 'boxes')}`,
        `env.sokoban.search_depth=${int(settings.searchDepth, 'searchDepth')}`,
        "env.sokoban.mode='rgb_array'",
      ],
      notes: ['verl-agent draws its own Sokoban levels from env.seed; the frames in data/ come from the studio and only set the modality and batch size.'],
    };
  }
  const name = GYM_CARDS[game];
  if (name) {
    return {
      envName: name,
      overrides: [],
      notes: [`verl-agent's ${name} uses its own rules and defaults; the studio's game settings (${Object.keys(settings).join(', ') || 'none'}) only shaped the frames in data/.`],
    };
  }
  throw new StudioError('bad_input', `game: verl-agent has no ${game} environment (make_envs knows Sokoban and the gym_cards games)`);
}
