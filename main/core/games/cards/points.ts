// Registry entries for EZPoints (two cards, make 12 with + and *) and
// Points24 (four cards, make 24 with + - * / and brackets), with prompts in
// our words and an expert that spells out a verified formula token by token.
import { z } from 'zod';
import { formatJsonAnswer } from '../answers';
import { parseJsonAction } from '../parsing/jsonAction';
import { renderPrompt } from '../prompt';
import { parseSettingsWith } from '../settings';
import type { ExpertMove, GameDefinition, GameEnv, PromptOptions } from '../types';
import { rankLabel } from './deck';
import { cardsPromptTail, cardsTemplateVars } from './jsonPrompt';
import { dealEz, dealFour, NUMBER_ACTIONS, PointsEnv, type PointsRules } from './pointsEnv';
import { solvePoints } from './pointsSolver';
import { narrowEnv } from '../env';

const EZ_OPERATORS = ['+', '*', '='] as const;
const P24_OPERATORS = ['+', '-', '*', '/', '(', ')', '='] as const;

export const EzPointsSettings = z.object({ maxTurns: z.number().int().min(1).max(100).default(10) }).strict();
export const Points24Settings = z
  .object({
    target: z.number().int().min(1).max(1000).default(24),
    /** Redeal hands no formula can solve (gym_cards deals any four cards). */
    solvableOnly: z.boolean().default(true),
    maxTurns: z.number().int().min(1).max(200).default(25),
  })
  .strict();

const asPoints = narrowEnv(PointsEnv, 'points');

const describeCards = (env: PointsEnv): string =>
  env.cards.map((c) => (c.rank === 1 || c.rank > 10 ? `${rankLabel(c.rank)} (counts ${Math.min(c.rank, 10)})` : rankLabel(c.rank))).join(', ');

const operatorsOf = (env: PointsEnv): string[] => env.rules.operators.filter((o) => o !== '=' && o !== '(' && o !== ')');

// The plan is found once per env and replayed; the formula must still be a prefix of it.
const plans = new WeakMap<PointsEnv, string[] | null>();

export function pointsExpertMove(env: PointsEnv): ExpertMove {
  if (!plans.has(env)) plans.set(env, solvePoints(env.values, env.rules.target, operatorsOf(env)));
  const plan = plans.get(env) ?? null;
  const cur = env.formula;
  const target = env.rules.target;
  const cards = `The cards are ${describeCards(env)}, so the numbers are ${env.values.join(', ')}.`;
  if (!plan) return { action: '=', reasoning: `${cards} No formula that uses each of them once can make ${target}, so I finish right away with '='.` };
  const onPlan = cur.length <= plan.length && cur.every((t, i) => t === plan[i]);
  if (!onPlan)
    return { action: '=', reasoning: `${cards} The current formula '${env.formulaText}' can no longer reach ${target} with every card used once, so I close it with '='.` };
  const whole = plan.join('');
  if (cur.length === plan.length)
    return { action: '=', reasoning: `${cards} The formula '${whole}' is complete and equals ${target}, using every card once, so I finish it with '='.` };
  const next = plan[cur.length]!;
  const where = cur.length === 0 ? 'The formula is empty' : `The current formula is '${env.formulaText}'`;
  return { action: next, reasoning: `${cards} ${whole} = ${target} uses every card exactly once. ${where}, so the next item to add is '${next}'.` };
}

const RULES_TEXT = `Card values:
- Number cards 2 to 10 count their face value.
- Jack, Queen and King ('J', 'Q', 'K') count as 10.
- An ace ('A') counts as 1.`;

function ezPrompt(env: GameEnv, options?: PromptOptions): string {
  const e = asPoints(env);
  const ours = `<image>You are an expert card player. Build a formula that equals 12 from the two numbers on the playing cards in the image. Each turn you add exactly one item to the end of the formula.

${RULES_TEXT}
Use each card exactly once and no other numbers.

Formula rules:
- Each turn appends one item: a card number, the operator '+' or '*', or '='.
- Adding '=' evaluates the formula and ends the game.

Rewards: +10 when the finished formula equals 12 and uses both cards; -1 for a number you do not hold or a finished formula that is wrong.

The current formula is: '${e.formulaText}'
It is your turn to add the next item.

${cardsPromptTail(env, options, [
  ['thoughts', '"read the two card numbers, check the current formula, and reason step by step about which item to add next"'],
  ['action', "\"the next item: a card number, '+', '*' or '='\""],
])}`;
  return renderPrompt(ours, options, { ...cardsTemplateVars(env, options), text_formula: e.formulaText });
}

function p24Prompt(env: GameEnv, options?: PromptOptions): string {
  const e = asPoints(env);
  const t = e.rules.target;
  const ours = `<image>You are an expert at the "24 Game": build a formula that equals exactly ${t} from the four numbers on the playing cards in the image. Each turn you add exactly one item to the end of the formula.

${RULES_TEXT}
Use each card exactly once and no other numbers.

Formula rules:
- Each turn appends one item: a card number, an operator ('+', '-', '*', '/'), a bracket ('(' or ')'), or '='.
- Adding '=' evaluates the formula and ends the game.

Rewards: +10 when the finished formula equals ${t} and uses all four cards; -1 for a number you do not hold or a finished formula that is wrong.

Two examples:
- Cards 6, 4, 2, 1 and the formula so far '6*': 6*4*(2-1) = 24, so add '4'.
- Cards 5, 5, 4, 1 and the formula so far '(5-1)*(5+1)': it already equals 24, so add '='.

The current formula is: '${e.formulaText}'
It is your turn to add the next item.

${cardsPromptTail(env, options, [
  ['thoughts', `"read the four card numbers, check the current formula and the numbers still unused, and reason step by step toward a formula that equals ${t}"`],
  ['action', '"the next item: a card number, an operator, a bracket or \'=\'"'],
])}`;
  return renderPrompt(ours, options, { ...cardsTemplateVars(env, options), text_formula: e.formulaText });
}

const EZ_VOCAB = [...NUMBER_ACTIONS, ...EZ_OPERATORS];
const P24_VOCAB = [...NUMBER_ACTIONS, ...P24_OPERATORS];

export const ezPointsGame: GameDefinition = {
  id: 'ezpoints',
  title: 'EZPoints (Gym-Cards)',
  summary: 'Two cards; build a formula equal to 12 with + and *, one token a turn; JSON answers.',
  answerFormat: 'json',
  actionVocabulary: EZ_VOCAB,
  settingsSchema: EzPointsSettings,
  parseSettings: (raw) => parseSettingsWith(EzPointsSettings, raw, 'ezpoints'),
  create: (settings, seed) => {
    const s = parseSettingsWith(EzPointsSettings, settings, 'ezpoints');
    const rules: PointsRules = { gameId: 'ezpoints', target: 12, operators: EZ_OPERATORS, maxFormulaLength: 5, maxTurns: s.maxTurns, deal: dealEz };
    return new PointsEnv(rules, seed);
  },
  buildPrompt: ezPrompt,
  parseReply: (reply) => parseJsonAction(reply, EZ_VOCAB, { tenIsToken: true }),
  expertMove: (env) => pointsExpertMove(asPoints(env)),
  formatAnswer: formatJsonAnswer,
};

export const points24Game: GameDefinition = {
  id: 'points24',
  title: 'Points24 (Gym-Cards)',
  summary: 'Four cards; build a formula equal to 24 with + - * / and brackets, one token a turn; JSON answers.',
  answerFormat: 'json',
  actionVocabulary: P24_VOCAB,
  settingsSchema: Points24Settings,
  parseSettings: (raw) => parseSettingsWith(Points24Settings, raw, 'points24'),
  create: (settings, seed) => {
    const s = parseSettingsWith(Points24Settings, settings, 'points24');
    const ops = P24_OPERATORS.filter((o) => o !== '=' && o !== '(' && o !== ')');
    const deal: PointsRules['deal'] = (rng) => {
      for (let i = 0; i < 10_000; i++) {
        const cards = dealFour(rng);
        if (
          !s.solvableOnly ||
          solvePoints(
            cards.map((c) => Math.min(c.rank, 10)),
            s.target,
            ops,
          )
        )
          return cards;
      }
      throw new Error(`points24: no solvable hand for target ${s.target} in 10000 deals`);
    };
    return new PointsEnv({ gameId: 'points24', target: s.target, operators: P24_OPERATORS, maxFormulaLength: 20, maxTurns: s.maxTurns, deal }, seed);
  },
  buildPrompt: p24Prompt,
  parseReply: (reply) => parseJsonAction(reply, P24_VOCAB, { tenIsToken: true }),
  expertMove: (env) => pointsExpertMove(asPoints(env)),
  formatAnswer: formatJsonAnswer,
};
