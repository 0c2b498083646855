// The contract between games, parsers, policies and the rollout job (which the
// lead wires): one GameEnv per episode, one GameDefinition per game.
import type { z } from 'zod';

export type GameId = 'sokoban' | 'frozenlake' | 'points24' | 'ezpoints' | 'numberline' | 'blackjack';
export type AnswerFormat = 'think-action' | 'json';

export interface Observation {
  /** RGB PNG (8-bit, colour type 2), the frame the policy sees. */
  png: Buffer;
  width: number;
  height: number;
  /** Text grid, tab-separated cells, where the game has one (Sokoban, FrozenLake); else null. */
  text: string | null;
}

export interface StepResult {
  /** What the env applied: null for a no-op (no action parsed, or a word that is no move such as 'still'). */
  action: string | null;
  reward: number;
  done: boolean;
  won: boolean;
  /** The action changed the state (Sokoban: the player moved). */
  effective: boolean;
  /** The turn limit ended the episode (not a win or a loss by the rules). */
  truncated: boolean;
  observation: Observation;
  info: Record<string, string | number | boolean | null>;
}

export interface GameEnv {
  readonly gameId: GameId;
  readonly seed: number;
  /** Turns played since reset. Every step call counts, no-ops included: ARLArena's loop runs max_steps turns. */
  readonly turn: number;
  readonly maxTurns: number;
  readonly done: boolean;
  readonly won: boolean;
  /** Sum of rewards since reset. */
  readonly totalReward: number;
  reset(): Observation;
  observe(): Observation;
  /** Throws once the episode is done (a caller bug, not a model error). */
  step(action: string | null): StepResult;
  admissibleActions(): string[];
}

/** One past turn as a prompt with history shows it (text only: a turn's message holds exactly one <image>). */
export interface HistoryEntry {
  turn: number;
  action: string | null;
  reward: number;
  effective: boolean;
}

export interface PromptOptions {
  /** Show the last k turns; 0 (the default) reproduces ARLArena's prompt, which has no history. */
  historyTurns?: number;
  history?: readonly HistoryEntry[];
  /**
   * A user's own template instead of ours. Placeholders: {actions} (the admissible list),
   * {history}, {turn}, {max_turns}, plus game facts ({text_formula} for the point games).
   * {{ and }} are literal braces, as in the Python templates users paste.
   */
  template?: string;
}

export interface ParsedReply {
  action: string | null;
  actionValid: boolean;
  formatValid: boolean;
  /** The reasoning: <think> content, or the JSON "thoughts" field. */
  think: string | null;
}

export interface ExpertMove {
  action: string;
  reasoning: string;
  /** Extra JSON fields some templates ask for (NumberLine: "current number", "target number"). */
  fields?: Record<string, string>;
}

export interface GameDefinition {
  id: GameId;
  title: string;
  summary: string;
  answerFormat: AnswerFormat;
  /** Words the parser recognises, in matching order (Sokoban's includes 'still', a no-op). */
  actionVocabulary: readonly string[];
  /** Settings with defaults; parse({}) gives the defaults. */
  settingsSchema: z.ZodType<Record<string, unknown>>;
  parseSettings(raw?: unknown): Record<string, unknown>;
  /** A fresh env for (settings, seed); the level is a pure function of both. */
  create(settings: unknown, seed: number): GameEnv;
  /** The user message for the env's current turn: exactly one <image>, the admissible actions. */
  buildPrompt(env: GameEnv, options?: PromptOptions): string;
  /** Never throws. */
  parseReply(reply: unknown): ParsedReply;
  /** The expert's next move for the env's current state. Throws when it cannot plan (e.g. solver limit). */
  expertMove(env: GameEnv): ExpertMove;
  /** The move as a reply in this game's answer format (passes parseReply as valid). */
  formatAnswer(move: ExpertMove): string;
}
