// An expert move written the way a model must answer, so expert data passes
// the same strict parsers as model replies.
import type { AnswerFormat, ExpertMove } from './types';

export function formatThinkAction(move: ExpertMove): string {
  return `<think>${move.reasoning}</think>\n<action>${move.action}</action>`;
}

export function formatJsonAnswer(move: ExpertMove): string {
  return JSON.stringify({ ...move.fields, thoughts: move.reasoning, action: move.action }, null, 2);
}

export function formatAnswer(format: AnswerFormat, move: ExpertMove): string {
  return format === 'json' ? formatJsonAnswer(move) : formatThinkAction(move);
}
