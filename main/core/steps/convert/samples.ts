// Episodes → training samples. Each turn's user message carries that turn's
// own frame at its <image> placeholder (never the first frame copied to every
// turn), and exactly one placeholder per image it really has. History modes:
// turn   one sample per turn, as the policy saw it (its prompt had no chat history),
// full   one sample per episode, the whole conversation,
// last-k one sample per turn with up to k earlier turns before it.
import { type ChatMessage, userTurnContent } from '../../model/chat';
import { StudioError } from '../../util/errors';
import type { SourceEpisode, SourceTurn } from './episodes';

export interface Sample {
  /** `${episode id}#${turn}`, or the episode id for whole episodes. */
  key: string;
  episode: SourceEpisode;
  /** Index of the last turn in the sample (the one being learned). */
  turn: number;
  messages: ChatMessage[];
  /** In placeholder order. */
  images: Buffer[];
}

export interface SampleOptions {
  history: 'turn' | 'full' | 'last-k';
  historyTurns: number;
}

export interface UserMessage {
  message: ChatMessage;
  images: Buffer[];
  /** Set when a placeholder had no frame and was removed. */
  droppedPlaceholder: boolean;
}

/** The user message of one turn, with its frame at its placeholder (or first, if the prompt has none). */
export function userMessage(ep: SourceEpisode, k: number): UserMessage {
  const turn: SourceTurn = ep.turns[k]!;
  const tags = turn.prompt.split('<image>').length - 1;
  const content = userTurnContent(turn.prompt, !!turn.image);
  if (!content) throw new StudioError('bad_input', `trajectory ${ep.id}, turn ${k}: the prompt has ${tags} <image> placeholders but the turn has one frame`);
  return { message: { role: 'user', content }, images: turn.image ? [turn.image] : [], droppedPlaceholder: !turn.image && tags > 0 };
}

export function assistantMessage(turn: SourceTurn): ChatMessage {
  return { role: 'assistant', content: [{ type: 'text', text: turn.reply }] };
}

function conversation(ep: SourceEpisode, from: number, to: number, onDropped: (turn: number) => void): { messages: ChatMessage[]; images: Buffer[] } {
  const messages: ChatMessage[] = [];
  const images: Buffer[] = [];
  for (let k = from; k <= to; k++) {
    const u = userMessage(ep, k);
    if (u.droppedPlaceholder) onDropped(k);
    messages.push(u.message, assistantMessage(ep.turns[k]!));
    images.push(...u.images);
  }
  return { messages, images };
}

/** `onDropped(turn)` hears of turns whose placeholder had no frame (a turn may be reported once per sample it is in). */
export function episodeSamples(ep: SourceEpisode, o: SampleOptions, onDropped: (turn: number) => void = () => undefined): Sample[] {
  const last = ep.turns.length - 1;
  if (o.history === 'full') return [{ key: ep.id, episode: ep, turn: last, ...conversation(ep, 0, last, onDropped) }];
  const back = o.history === 'last-k' ? o.historyTurns : 0;
  return ep.turns.map((_, t) => ({ key: `${ep.id}#${t}`, episode: ep, turn: t, ...conversation(ep, Math.max(0, t - back), t, onDropped) }));
}
