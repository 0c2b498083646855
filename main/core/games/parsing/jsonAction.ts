// The reply parser for JSON-answering games (Gym-Cards): {"thoughts": …,
// "action": …}. Like ARLArena's gym projection it reads what follows
// "action": and accepts exactly one admissible action found in it. Never throws.
import type { ParsedReply } from '../types';

export interface JsonParseOptions {
  /** Point games: '10' is one token, matched before '1' and '0' (as the gym projection does). */
  tenIsToken?: boolean;
}

const NOTHING: ParsedReply = { action: null, actionValid: false, formatValid: false, think: null };
const FENCED = /^```[A-Za-z0-9_-]*[^\S\r\n]*\r?\n([\s\S]*?)\r?\n?[^\S\r\n]*```$/;

/** The one admissible action contained in the text, or null when none or several are. */
export function findSingleAction(text: string, vocabulary: readonly string[], opts: JsonParseOptions = {}): string | null {
  let t = text.toLowerCase();
  const found = new Set<string>();
  if (opts.tenIsToken && t.includes('10')) {
    found.add('10');
    t = t.split('10').join('');
  }
  for (const a of vocabulary) if (!(opts.tenIsToken && a === '10') && t.includes(a)) found.add(a);
  return found.size === 1 ? [...found][0]! : null;
}

function unwrapFence(text: string): string {
  const trimmed = text.trim();
  const m = FENCED.exec(trimmed);
  return m ? m[1]! : trimmed;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A "thoughts": "…" string from text that is not valid JSON as a whole. */
function looseThoughts(text: string): string | null {
  const m = /"thoughts"\s*:\s*"((?:[^"\\]|\\[\s\S])*)"/i.exec(text);
  if (!m) return null;
  try {
    return JSON.parse(`"${m[1]!}"`) as string;
  } catch {
    return m[1]!;
  }
}

/**
 * formatValid: the reply (optionally inside one ``` fence) is a JSON object
 * with a string "thoughts" and a string or number "action".
 * actionValid: exactly one admissible action in the "action" value (or, when
 * the reply is not JSON, in the text after "action":), as the gym projection
 * decides validity. No "action": at all → no action.
 */
export function parseJsonAction(reply: unknown, vocabulary: readonly string[], opts: JsonParseOptions = {}): ParsedReply {
  if (typeof reply !== 'string') return NOTHING;
  try {
    const obj = parseObject(unwrapFence(reply));
    if (obj && (typeof obj.action === 'string' || typeof obj.action === 'number')) {
      const action = findSingleAction(String(obj.action), vocabulary, opts);
      const think = typeof obj.thoughts === 'string' ? obj.thoughts : null;
      return { action, actionValid: action !== null, formatValid: think !== null, think };
    }
    const at = /"action"\s*:/i.exec(reply);
    const action = at ? findSingleAction(reply.slice(at.index + at[0].length), vocabulary, opts) : null;
    const think = obj && typeof obj.thoughts === 'string' ? obj.thoughts : looseThoughts(reply);
    return { action, actionValid: action !== null, formatValid: false, think };
  } catch {
    return NOTHING;
  }
}
