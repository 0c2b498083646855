// One evaluation episode: a level played to its end by a policy, kept as a line of the evaluation's
// episodes.jsonl (replies and actions, no frames: the level is a function of the game, settings and seed).
import type { Act } from '../../policies/types';
import type { GameDefinition, HistoryEntry } from '../../games/types';

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

export async function playEpisode(s: EpisodeSpec, act: Act, signal: AbortSignal): Promise<EpisodeRecord> {
  const env = s.game.create(s.settings, s.seed);
  const history: HistoryEntry[] = [];
  const steps: EpisodeTurn[] = [];
  let obs = env.reset();
  while (!env.done) {
    signal.throwIfAborted();
    const prompt = s.game.buildPrompt(env, { historyTurns: s.historyTurns, history });
    const turn = env.turn;
    const reply = await act(s.game, env, prompt, obs.png, signal, { task: s.level, sample: 0, turn });
    const parsed = s.game.parseReply(reply.text);
    const r = env.step(parsed.action);
    steps.push({ reply: reply.text, action: r.action, actionValid: parsed.actionValid, formatValid: parsed.formatValid, reward: r.reward, completionTokens: reply.completionTokens });
    history.push({ turn, action: r.action, reward: r.reward, effective: r.effective });
    obs = r.observation;
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
