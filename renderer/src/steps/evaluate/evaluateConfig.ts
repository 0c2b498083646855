// The Evaluate card's fields and the one evaluate.run config built from them (the card is on the
// Train and Merge steps; both send this). The contract's schema checks it before it is sent.
import type { GAME_IDS, Params } from '../../../../preload/contract';

type EvaluateConfig = Extract<Params<'jobs.start'>, { kind: 'evaluate.run' }>['config'];

export interface EvaluateFields {
  base: string;
  checkpoints: string[];
  includeBase: boolean;
  includeExpert: boolean;
  game: (typeof GAME_IDS)[number];
  levels: number;
  seed: number;
  /** As typed; empty: the game's own turn limit. */
  maxTurns: string;
  maxTokens: number;
}

export function evaluateConfig(f: EvaluateFields): EvaluateConfig {
  return {
    baseArtifactId: f.base,
    checkpoints: f.checkpoints,
    includeBase: f.includeBase,
    includeExpert: f.includeExpert,
    game: f.game,
    levels: f.levels,
    seed: f.seed,
    maxTokens: f.maxTokens,
    settings: f.maxTurns.trim() ? { maxTurns: Number(f.maxTurns) } : {},
  };
}
