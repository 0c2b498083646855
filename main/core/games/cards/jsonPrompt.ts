// The shared tail of the Gym-Cards prompts: recent turns (when asked for),
// the admissible actions and the JSON answer shape.
import { formatActionList, formatHistory } from '../prompt';
import type { GameEnv, PromptOptions } from '../types';

export function cardsPromptTail(env: GameEnv, options: PromptOptions | undefined, fields: Array<[string, string]>): string {
  const history = formatHistory(options);
  const recent = history ? `Your recent turns:\n${history}\n\n` : '';
  const body = fields.map(([k, v]) => `  ${JSON.stringify(k)}: ${v}`).join(',\n');
  return `${recent}Your admissible actions are ${formatActionList(env.admissibleActions())}.

Answer with a valid JSON object in exactly this form:
{
${body}
}`;
}

export function cardsTemplateVars(env: GameEnv, options: PromptOptions | undefined): Record<string, string> {
  return {
    actions: formatActionList(env.admissibleActions()),
    history: formatHistory(options),
    turn: String(env.turn + 1),
    step_count: String(env.turn),
    max_turns: String(env.maxTurns),
  };
}
