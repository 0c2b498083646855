// What a policy is to the rollout: given a turn's prompt and frame, a reply in
// text. The expert, an OpenAI-compatible endpoint, the ONNX model and the
// native engine all fit behind Act.
import type { GameDefinition, GameEnv } from '../games/types';

/** One turn's reply as the rollout records it. */
export interface Reply {
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
}

/** Where in the rollout a turn is: samplers seed from it, so a rollout replays the same. */
export interface TurnKey {
  task: number;
  sample: number;
  turn: number;
}

/** What the rollout job calls for each turn. */
export type Act = (game: GameDefinition, env: GameEnv, prompt: string, frame: Buffer, signal: AbortSignal, at: TurnKey) => Promise<Reply>;
