// NumberLine (Gym-Cards): move the current number to the target with '-' and
// '+'. Rewards as gym_cards: +1 on reaching it (episode ends), 0 for a step
// closer, -1 otherwise; cut after 2 × maxPosition steps. Unlike gym's reset,
// start and target always differ.
import { z } from 'zod';
import { formatJsonAnswer } from '../answers';
import { BaseEnv, narrowEnv, type Transition } from '../env';
import { parseJsonAction } from '../parsing/jsonAction';
import { renderPrompt } from '../prompt';
import { createRng } from '../rng';
import { parseSettingsWith } from '../settings';
import type { ExpertMove, GameDefinition, GameEnv, Observation, PromptOptions } from '../types';
import { Canvas, type RGB } from '../draw/canvas';
import { drawText, textWidth } from '../draw/font';
import { toObservation } from '../draw/frame';
import { cardsPromptTail, cardsTemplateVars } from './jsonPrompt';

export const NumberLineSettings = z
  .object({
    maxPosition: z.number().int().min(1).max(99).default(5),
    /** Defaults to 2 × maxPosition, gym_cards' truncation. */
    maxTurns: z.number().int().min(1).max(500).optional(),
  })
  .strict();
export type NumberLineSettings = z.infer<typeof NumberLineSettings>;

const VOCAB = ['-', '+'] as const;
const INK: RGB = [0, 0, 0];
const TARGET_RED: RGB = [210, 30, 30];
const CURRENT_BLUE: RGB = [30, 90, 210];

export class NumberLineEnv extends BaseEnv {
  readonly gameId = 'numberline' as const;
  readonly start: number;
  readonly target: number;
  private pos: number;

  constructor(
    readonly settings: NumberLineSettings,
    seed: number,
  ) {
    super(seed, settings.maxTurns ?? 2 * settings.maxPosition);
    const rng = createRng(seed, 'numberline');
    this.start = rng.range(0, settings.maxPosition);
    const other = rng.range(0, settings.maxPosition - 1);
    this.target = other >= this.start ? other + 1 : other; // uniform over the other positions
    this.pos = this.start;
  }

  get position(): number {
    return this.pos;
  }

  admissibleActions(): string[] {
    return [...VOCAB];
  }

  protected restart(): void {
    this.pos = this.start;
  }

  protected apply(action: string | null): Transition {
    const before = Math.abs(this.pos - this.target);
    const from = this.pos;
    if (action === '-' && this.pos > 0) this.pos--;
    else if (action === '+' && this.pos < this.settings.maxPosition) this.pos++;
    const after = Math.abs(this.pos - this.target);
    const won = after === 0;
    const reward = won ? 1 : after >= before ? -1 : 0;
    const applied = action === '-' || action === '+' ? action : null;
    return { reward, effective: this.pos !== from, won, over: won, applied };
  }

  protected render(): Observation {
    const c = new Canvas(300, 300, [255, 255, 255]);
    drawText(c, `Target: ${this.target}`, 30, 60, 4, INK);
    drawText(c, `Current: ${this.pos}`, 30, 150, 4, INK);
    // A small number line under the text: red mark = target, blue dot = current.
    const max = this.settings.maxPosition;
    const x0 = 30;
    const x1 = 270;
    const y = 250;
    const xAt = (v: number): number => Math.round(x0 + ((x1 - x0) * v) / Math.max(1, max));
    c.fillRect(x0, y, x1 - x0 + 1, 2, INK);
    const labelEvery = Math.max(1, Math.ceil(max / 10));
    for (let v = 0; v <= max; v++) {
      c.fillRect(xAt(v), y - 4, 1, 10, INK);
      if (v % labelEvery === 0 || v === max) drawText(c, String(v), xAt(v) - Math.floor(textWidth(String(v), 1) / 2), y + 10, 1, INK);
    }
    c.fillRect(xAt(this.target) - 3, y - 16, 7, 9, TARGET_RED);
    c.fillEllipse(xAt(this.pos) + 0.5, y + 1, 5, 5, CURRENT_BLUE);
    return toObservation(c, null);
  }
}

const asLine = narrowEnv(NumberLineEnv, 'numberline');

export function numberLineExpertMove(env: NumberLineEnv): ExpertMove {
  const cur = env.position;
  const t = env.target;
  const action = t > cur ? '+' : '-';
  const how = t > cur ? `the target is larger, so I add one` : `the target is smaller, so I subtract one`;
  return {
    action,
    reasoning: `The current number is ${cur} and the target number is ${t}; ${how} to get ${Math.abs(t - cur) === 1 ? 'onto the target' : 'one step closer'}.`,
    fields: { 'current number': String(cur), 'target number': String(t) },
  };
}

function numberLinePrompt(env: GameEnv, options?: PromptOptions): string {
  const ours = `<image>You are playing Number Line. The image shows a target number and your current number. Bring the current number to the target: each turn you either subtract one ("-") or add one ("+").

Rewards: +1 when the current number reaches the target (the game ends), 0 for a step that brings it closer, -1 for a step that does not.

${cardsPromptTail(env, options, [
  ['current number', '"the current number you read"'],
  ['target number', '"the target number you read"'],
  ['thoughts', '"compare the two numbers and decide which way to move"'],
  ['action', '"-" or "+"'],
])}`;
  return renderPrompt(ours, options, cardsTemplateVars(env, options));
}

export const numberLineGame: GameDefinition = {
  id: 'numberline',
  title: 'NumberLine (Gym-Cards)',
  summary: 'Move the current number to the target with - and +; positions 0..5; JSON answers.',
  answerFormat: 'json',
  actionVocabulary: VOCAB,
  settingsSchema: NumberLineSettings,
  parseSettings: (raw) => parseSettingsWith(NumberLineSettings, raw, 'numberline'),
  create: (settings, seed) => new NumberLineEnv(parseSettingsWith(NumberLineSettings, settings, 'numberline'), seed),
  buildPrompt: numberLinePrompt,
  parseReply: (reply) => parseJsonAction(reply, VOCAB),
  expertMove: (env) => numberLineExpertMove(asLine(env)),
  formatAnswer: formatJsonAnswer,
};
