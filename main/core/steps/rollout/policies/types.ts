// What a policy is: given the chat for one turn (images as PNG bytes), reply
// with text. The OpenAI-compatible client, the expert and later the native
// engine all fit behind this.
import type { GameId } from '../types';

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
