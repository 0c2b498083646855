// The strict reply parser ARLArena's Sokoban projection applies, for games
// that answer "<think>…</think><action>…</action>". Never throws.
import type { ParsedReply } from '../types';

// ARLArena rejects replies with CJK ideographs (exactly this range).
const CJK = /[\u4e00-\u9fff]/;
const STRICT = /^\s*<think>([\s\S]*?)<\/think>\s*<action>([\s\S]*?)<\/action>\s*$/i;

const NOTHING: ParsedReply = { action: null, actionValid: false, formatValid: false, think: null };

function countTag(text: string, tag: RegExp): number {
  let n = 0;
  tag.lastIndex = 0;
  while (tag.exec(text) !== null) n++;
  return n;
}

/** Content of the first <tag>…</tag> (close searched after the open), case-insensitive; null when absent. */
export function firstTagContent(text: string, tag: string): string | null {
  const open = new RegExp(`<${tag}>`, 'i').exec(text);
  if (!open) return null;
  const from = open.index + open[0].length;
  const close = new RegExp(`</${tag}>`, 'i').exec(text.slice(from));
  return close ? text.slice(from, from + close.index) : null;
}

/** First vocabulary word contained in the text (lower-cased), in vocabulary order. */
export function matchVocabulary(text: string, vocabulary: readonly string[]): string | null {
  const t = text.toLowerCase();
  for (const word of vocabulary) if (t.includes(word)) return word;
  return null;
}

/**
 * Format-valid only when the whole reply is one <think> block then one
 * <action> block (case-insensitive, whitespace around), each tag exactly once,
 * and no CJK character. The action text is lower-cased and substring-matched in
 * vocabulary order (Sokoban: up, down, left, right, still).
 *  - strict and a known word → that action, valid
 *  - strict, unknown word → no action, invalid (format still valid)
 *  - not strict but an <action>…</action> exists → the action still runs, both flags false
 *  - no action tag → no action (the env's -0.1 no-op), both flags false
 */
export function parseThinkAction(reply: unknown, vocabulary: readonly string[]): ParsedReply {
  if (typeof reply !== 'string') return NOTHING;
  try {
    const onceEach = countTag(reply, /<think>/gi) === 1 && countTag(reply, /<\/think>/gi) === 1 && countTag(reply, /<action>/gi) === 1 && countTag(reply, /<\/action>/gi) === 1;
    // With each tag present once the lazy groups have one place to end: linear time on any input.
    const strict = onceEach ? STRICT.exec(reply) : null;
    if (strict && !CJK.test(reply)) {
      const action = matchVocabulary(strict[2]!, vocabulary);
      return { action, actionValid: action !== null, formatValid: true, think: strict[1]!.trim() };
    }
    const think = firstTagContent(reply, 'think');
    const actionText = firstTagContent(reply, 'action');
    return {
      action: actionText === null ? null : matchVocabulary(actionText, vocabulary),
      actionValid: false,
      formatValid: false,
      think: think === null ? null : think.trim(),
    };
  } catch {
    return NOTHING; // defensive: nothing above should throw, but a reply must never crash a rollout
  }
}
