// One evaluation episode: a level played to its end by a policy, kept as a line of the evaluation's
// episodes.jsonl (replies and actions, no frames: the level is a function of the game, settings and seed).
import type { Act } from '../../policies/types';
import type { GameDefinition } from '../../games/types';
import type { GamePool } from '../../games/worker/gamePool';

export interface EpisodeTurn {
  reply: string;
  action: string | null;
  actionValid: boolean;
  formatValid: boolean;
  reward: number;
  completionTokens: number | null;
}

export interface EpisodeRecord {
  policy: string;
  level: number;
  seed: number;
  won: boolean;
  return: number;
  turns: number;
  invalidActions: number;
  formatValidTurns: number;
  completionTokens: number;
  steps: EpisodeTurn[];
}

export interface EpisodeSpec {
  game: GameDefinition;
  settings: Record<string, unknown>;
  historyTurns: number;
  policy: string;
  level: number;
  seed: number;
}

/**
 * Plays one level in a game worker thread (env, frames, parsing and the expert's planning stay off the
 * thread that answers the UI); act is a policy's turn, or 'expert' for the built-in expert.
 */
export async function playEpisode(s: EpisodeSpec, act: Act | 'expert', pool: GamePool, signal: AbortSignal): Promise<EpisodeRecord> {
  const env = await pool.open({ game: s.game.id, settings: s.settings, seed: s.seed, historyTurns: s.historyTurns }, signal);
  const steps: EpisodeTurn[] = [];
  try {
    while (!env.done) {
      signal.throwIfAborted();
      const turn = env.turn;
      const reply = act === 'expert' ? await env.expert(signal) : await act(s.game, env, env.prompt!, env.observe().png, signal, { task: s.level, sample: 0, turn });
      const { parsed, result: r } = await env.play(reply.text, signal);
      steps.push({
        reply: reply.text,
        action: r.action,
        actionValid: parsed.actionValid,
        formatValid: parsed.formatValid,
        reward: r.reward,
        completionTokens: reply.completionTokens,
      });
    }
  } finally {
    env.close();
  }
  return {
    policy: s.policy,
    level: s.level,
    seed: s.seed,
    won: env.won,
    return: steps.reduce((a, t) => a + t.reward, 0),
    turns: steps.length,
    invalidActions: steps.filter((t) => !t.actionValid).length,
    formatValidTurns: steps.filter((t) => t.formatValid).length,
    completionTokens: steps.reduce((a, t) => a + (t.completionTokens ?? 0), 0),
    steps,
  };
}
