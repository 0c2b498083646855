// What a policy is: given the chat for one turn (images as PNG bytes), reply
// with text. The OpenAI-compatible client, the expert and later the native
// engine all fit behind this.
import type { GameDefinition, GameEnv, GameId } from '../types';

export interface ChatTextPart {
  type: 'text';
  text: string;
}
export interface ChatImagePart {
  type: 'image';
  png: Buffer;
}
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | Array<ChatTextPart | ChatImagePart>;
}

export interface PolicyRequest {
  game: GameId;
  messages: ChatMessage[];
  /** 0-based turn of the episode. */
  turn: number;
  signal?: AbortSignal;
}

export interface PolicyReply {
  text: string;
  promptTokens?: number;
  completionTokens?: number;
}

export interface Policy {
  act(request: PolicyRequest): Promise<PolicyReply>;
}

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
