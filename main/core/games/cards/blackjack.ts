// Blackjack (Gym-Cards): infinite deck, dealer stands on 17, hit or stand.
// Rewards +1 win, 0 draw, -1 loss (+1.5 for a natural when `natural` is on).
// As gym_cards deals, a 10-valued card always shows as J, Q or K. The hidden
// dealer card is turned over once the hand is over.
import { z } from 'zod';
import { formatJsonAnswer } from '../answers';
import { BaseEnv, narrowEnv, type Transition } from '../env';
import { parseJsonAction } from '../parsing/jsonAction';
import { renderPrompt } from '../prompt';
import { createRng, type Rng } from '../rng';
import { parseSettingsWith } from '../settings';
import type { ExpertMove, GameDefinition, GameEnv, Observation, PromptOptions } from '../types';
import { Canvas } from '../draw/canvas';
import { drawText } from '../draw/font';
import { toObservation } from '../draw/frame';
import { SUITS, rankLabel, type Card } from './deck';
import { drawCard, drawCardBack, TABLE, WHITE } from './draw';
import { cardsPromptTail, cardsTemplateVars } from './jsonPrompt';

export const BlackjackSettings = z
  .object({
    natural: z.boolean().default(false),
    maxTurns: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type BlackjackSettings = z.infer<typeof BlackjackSettings>;

const VOCAB = ['stand', 'hit'] as const;
const DECK = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10];

export const cardValue = (c: Card): number => Math.min(c.rank, 10);

function drawOne(rng: Rng): Card {
  const value = rng.pick(DECK);
  const suit = rng.pick(SUITS);
  const rank = value === 10 ? rng.pick([11, 12, 13]) : value;
  return { rank, suit };
}

export function usableAce(hand: readonly Card[]): boolean {
  const sum = hand.reduce((s, c) => s + cardValue(c), 0);
  return hand.some((c) => c.rank === 1) && sum + 10 <= 21;
}

export function handTotal(hand: readonly Card[]): number {
  const sum = hand.reduce((s, c) => s + cardValue(c), 0);
  return usableAce(hand) ? sum + 10 : sum;
}

const isNatural = (hand: readonly Card[]): boolean => hand.length === 2 && handTotal(hand) === 21;
const score = (hand: readonly Card[]): number => (handTotal(hand) > 21 ? 0 : handTotal(hand));

export class BlackjackEnv extends BaseEnv {
  readonly gameId = 'blackjack' as const;
  private deck!: Rng;
  private dealerHand: Card[] = [];
  private playerHand: Card[] = [];

  constructor(
    readonly settings: BlackjackSettings,
    seed: number,
  ) {
    super(seed, settings.maxTurns);
    this.restart();
  }

  get dealer(): readonly Card[] {
    return this.dealerHand;
  }
  get player(): readonly Card[] {
    return this.playerHand;
  }

  admissibleActions(): string[] {
    return [...VOCAB];
  }

  protected restart(): void {
    // The deck stream restarts too, so the same moves meet the same cards after a reset.
    this.deck = createRng(this.seed, 'blackjack');
    this.dealerHand = [drawOne(this.deck), drawOne(this.deck)];
    this.playerHand = [drawOne(this.deck), drawOne(this.deck)];
  }

  protected apply(action: string | null): Transition {
    if (action === 'hit') {
      this.playerHand.push(drawOne(this.deck));
      const bust = handTotal(this.playerHand) > 21;
      return { reward: bust ? -1 : 0, effective: true, won: false, over: bust, applied: action, info: { player_total: handTotal(this.playerHand) } };
    }
    if (action === 'stand') {
      while (handTotal(this.dealerHand) < 17) this.dealerHand.push(drawOne(this.deck));
      const p = score(this.playerHand);
      const d = score(this.dealerHand);
      let reward = p > d ? 1 : p < d ? -1 : 0;
      if (this.settings.natural && reward === 1 && isNatural(this.playerHand)) reward = 1.5;
      return {
        reward,
        effective: true,
        won: reward > 0,
        over: true,
        applied: action,
        info: { player_total: handTotal(this.playerHand), dealer_total: handTotal(this.dealerHand) },
      };
    }
    return { reward: 0, effective: false, won: false, over: false, applied: null };
  }

  protected render(): Observation {
    const c = new Canvas(300, 300, TABLE);
    const w = 70;
    const h = 98;
    drawText(c, 'Dealer', 5, 6, 2, WHITE);
    if (this.done) this.dealerHand.forEach((card, i) => drawCard(c, 5 + i * (w + 3), 25, w, h, card));
    else {
      drawCard(c, 5, 25, w, h, this.dealerHand[0]!);
      drawCardBack(c, 78, 25, w, h);
    }
    drawText(c, 'Player', 5, 131, 2, WHITE);
    let x = 5;
    let y = 150;
    this.playerHand.forEach((card, i) => {
      drawCard(c, x, y, w, h, card);
      x += w + 4;
      if (i === 4) {
        y += h + 4;
        x = 5;
      }
    });
    return toObservation(c, null);
  }
}

const asBlackjack = narrowEnv(BlackjackEnv, 'blackjack');

/** Basic strategy without doubles or splits. */
export function blackjackExpertMove(env: BlackjackEnv): ExpertMove {
  const total = handTotal(env.player);
  const soft = usableAce(env.player);
  const up = env.dealer[0]!;
  const upValue = up.rank === 1 ? 11 : cardValue(up);
  let hit: boolean;
  let why: string;
  if (soft) {
    hit = total <= 17 || (total === 18 && upValue >= 9);
    why =
      total <= 17
        ? 'a soft total this low cannot bust on one card and needs improving'
        : total === 18
          ? hit
            ? 'a soft 18 is too weak against a 9, 10 or ace'
            : 'a soft 18 holds against a dealer card from 2 to 8'
          : 'a soft 19 or more is strong enough to stand';
  } else if (total <= 11) {
    hit = true;
    why = 'no card can bust a total of 11 or less';
  } else if (total >= 17) {
    hit = false;
    why = 'a hard 17 or more busts too often when hitting';
  } else if (total === 12) {
    hit = !(upValue >= 4 && upValue <= 6);
    why = hit ? 'a 12 should be improved unless the dealer shows 4 to 6' : 'the dealer shows a weak card (4 to 6) and may well bust, so I do not risk a 12';
  } else {
    hit = upValue >= 7;
    why = hit
      ? 'against a dealer 7 or higher a hard 13 to 16 usually loses if I stand'
      : 'the dealer shows a weak card (2 to 6) and is likely to bust, so I stand on a hard 13 to 16';
  }
  const mine = env.player.map((c) => rankLabel(c.rank)).join(', ');
  return {
    action: hit ? 'hit' : 'stand',
    reasoning: `My cards are ${mine}, a ${soft ? 'soft' : 'hard'} ${total}. The dealer shows ${rankLabel(up.rank)}. Basic strategy says ${hit ? 'hit' : 'stand'}: ${why}.`,
  };
}

function blackjackPrompt(env: GameEnv, options?: PromptOptions): string {
  const natural = asBlackjack(env).settings.natural;
  const ours = `<image>You are an expert blackjack player. Choose the best action for the hand shown in the image.

The image shows:
- Dealer (top): one card face up and one face down.
- Player (bottom): all of your cards, left to right (a new row after five).

Rules:
- Get as close to 21 as you can without going over.
- Cards 2 to 10 count their number; J, Q and K count 10; an ace counts 11 unless that takes you over 21, then 1.
- When you stand, the dealer turns over the hidden card and draws until the total is 17 or more.
- Going over 21 is a bust and loses at once.
- Cards come from an infinite deck (drawn with replacement).
Rewards: +1 for a win, 0 for a draw, -1 for a loss${natural ? ', +1.5 for a winning natural blackjack (ace and a ten-card)' : ''}.

${cardsPromptTail(env, options, [
  ['thoughts', '"read your cards and the dealer\'s visible card, then reason step by step with blackjack strategy"'],
  ['action', '"stand" or "hit"'],
])}`;
  return renderPrompt(ours, options, cardsTemplateVars(env, options));
}

export const blackjackGame: GameDefinition = {
  id: 'blackjack',
  title: 'Blackjack (Gym-Cards)',
  summary: 'Hit or stand against a dealer who stands on 17; JSON answers.',
  answerFormat: 'json',
  actionVocabulary: VOCAB,
  settingsSchema: BlackjackSettings,
  parseSettings: (raw) => parseSettingsWith(BlackjackSettings, raw, 'blackjack'),
  create: (settings, seed) => new BlackjackEnv(parseSettingsWith(BlackjackSettings, settings, 'blackjack'), seed),
  buildPrompt: blackjackPrompt,
  parseReply: (reply) => parseJsonAction(reply, VOCAB),
  expertMove: (env) => blackjackExpertMove(asBlackjack(env)),
  formatAnswer: formatJsonAnswer,
};
