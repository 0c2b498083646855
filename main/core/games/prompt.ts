// Pieces every game's prompt shares: the action list as ARLArena writes it,
// the optional history block, and filling a user's pasted template.
import type { HistoryEntry, PromptOptions } from './types';

/** ["up", "down", "left", "right"]: JSON strings joined by ", ", as the ARLArena template shows them. */
export function formatActionList(actions: readonly string[]): string {
  return `[${actions.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** The last k turns as text lines; '' when k is 0 or nothing was played. */
export function formatHistory(options: PromptOptions | undefined): string {
  const k = Math.max(0, Math.floor(options?.historyTurns ?? 0));
  const history = options?.history ?? [];
  if (k === 0 || history.length === 0) return '';
  return history
    .slice(-k)
    .map((h: HistoryEntry) => {
      const what = h.action === null ? 'no valid action (nothing happened)' : `"${h.action}"${h.effective ? '' : ' (no effect)'}`;
      return `Turn ${h.turn + 1}: ${what}, reward ${formatReward(h.reward)}`;
    })
    .join('\n');
}

export function formatReward(r: number): string {
  return String(Math.round(r * 1000) / 1000);
}

/**
 * Replace {name} for the given names only; {{ and }} become single braces.
 * Unknown {names} stay as written so a user sees what did not fill.
 */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    return name !== undefined && Object.prototype.hasOwnProperty.call(vars, name) ? vars[name]! : m;
  });
}

/** Count of <image> placeholders; a turn's message must hold exactly one. */
export function countImageTags(text: string): number {
  return text.split('<image>').length - 1;
}

/** The user template if given (checked for exactly one <image>), else ours. */
export function renderPrompt(ours: string, options: PromptOptions | undefined, vars: Record<string, string>): string {
  if (options?.template === undefined) return ours;
  const filled = fillTemplate(options.template, vars);
  const n = countImageTags(filled);
  if (n !== 1) throw new Error(`prompt template must contain exactly one <image> placeholder, found ${n}`);
  return filled;
}
