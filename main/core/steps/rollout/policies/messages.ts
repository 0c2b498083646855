// A turn's prompt as a chat message: the text split at each <image>, the
// frames put in those places, in order.
import type { ChatImagePart, ChatMessage, ChatTextPart } from './types';

export function promptToMessage(prompt: string, frames: readonly Buffer[]): ChatMessage {
  const pieces = prompt.split('<image>');
  if (pieces.length - 1 !== frames.length) throw new Error(`prompt has ${pieces.length - 1} <image> placeholder(s) but ${frames.length} frame(s) were given`);
  const content: Array<ChatTextPart | ChatImagePart> = [];
  pieces.forEach((text, i) => {
    if (text !== '') content.push({ type: 'text', text });
    const png = frames[i];
    if (png) content.push({ type: 'image', png });
  });
  return { role: 'user', content };
}
