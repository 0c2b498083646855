// EZPoints and Points24 (Gym-Cards): build a formula from the cards one token
// at a time, '=' evaluates it. Rules as gym_cards: a card number not left in
// hand appends a blank and costs -1; '=' gives +10 when the formula equals the
// target and uses every card, else -1; a formula longer than the limit ends
// the episode with -1. Rendering: 300×300 green table, cards side by side.
import { BaseEnv, type Transition } from '../env';
import { createRng, type Rng } from '../rng';
import type { GameId, Observation } from '../types';
import { Canvas } from '../draw/canvas';
import { drawText, wrapText } from '../draw/font';
import { toObservation } from '../draw/frame';
import { SUITS, pointValue, type Card } from './deck';
import { drawCard, TABLE, WHITE } from './draw';
import { evaluateFormula } from './formula';

export const NUMBER_ACTIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;

export interface PointsRules {
  gameId: Extract<GameId, 'points24' | 'ezpoints'>;
  target: number;
  operators: readonly string[];
  /** gym: the episode ends (-1) when a step starts with a longer formula. */
  maxFormulaLength: number;
  maxTurns: number;
  deal: (rng: Rng) => Card[];
}

export const POINTS_REWARD_WIN = 10;
export const POINTS_PENALTY = -1;

export class PointsEnv extends BaseEnv {
  readonly gameId: PointsRules['gameId'];
  readonly cards: readonly Card[];
  private tokens: string[] = [];
  private used: number[] = [];

  constructor(
    readonly rules: PointsRules,
    seed: number,
  ) {
    super(seed, rules.maxTurns);
    this.gameId = rules.gameId;
    this.cards = rules.deal(createRng(seed, rules.gameId));
  }

  get values(): number[] {
    return this.cards.map(pointValue);
  }
  /** The formula as action tokens (' ' where an unavailable number was tried). */
  get formula(): readonly string[] {
    return this.tokens;
  }
  /** The formula as eval sees it: tokens joined with nothing. */
  get formulaText(): string {
    return this.tokens.join('');
  }

  admissibleActions(): string[] {
    return [...NUMBER_ACTIONS, ...this.rules.operators];
  }

  protected restart(): void {
    this.tokens = [];
    this.used = [];
  }

  private available(n: number): boolean {
    const want = [...this.used, n].filter((x) => x === n).length;
    return want <= this.values.filter((x) => x === n).length;
  }

  protected apply(action: string | null): Transition {
    if (this.tokens.length > this.rules.maxFormulaLength)
      return { reward: POINTS_PENALTY, effective: false, won: false, over: true, applied: null, info: { reason: 'formula too long' } };
    if (action === null || !this.admissibleActions().includes(action)) return { reward: POINTS_PENALTY, effective: false, won: false, over: false, applied: null };
    const n = (NUMBER_ACTIONS as readonly string[]).includes(action) ? Number(action) : null;
    if (n !== null && !this.available(n)) {
      this.tokens.push(' ');
      return { reward: POINTS_PENALTY, effective: true, won: false, over: false, applied: action, info: { reason: 'number not in hand' } };
    }
    if (n !== null) this.used.push(n);
    if (action === '=') {
      const value = evaluateFormula(this.formulaText);
      const won = value === this.rules.target && this.used.length === this.cards.length;
      return { reward: won ? POINTS_REWARD_WIN : POINTS_PENALTY, effective: true, won, over: true, applied: action, info: { value } };
    }
    this.tokens.push(action);
    return { reward: 0, effective: true, won: false, over: false, applied: action };
  }

  protected render(): Observation {
    const c = new Canvas(300, 300, TABLE);
    const n = this.cards.length;
    const w = Math.trunc((300 / n) * 0.9);
    const h = Math.trunc((w * 7) / 5);
    this.cards.forEach((card, i) => drawCard(c, 5 + Math.trunc(i * w * 1.1), Math.trunc((300 - h) / 2), w, h, card));
    const shown = this.tokens.join(' ');
    if (n <= 2) {
      drawText(c, `Formula: ${shown}`, 10, 256, 2, WHITE);
    } else {
      drawText(c, 'Formula:', 10, 210, 2, WHITE);
      wrapText(shown, 280, 2).forEach((line, i) => drawText(c, line, 10, 232 + i * 18, 2, WHITE));
    }
    return toObservation(c, null);
  }
}

/** Points24: four cards, 1..13 each, faces count 10. */
export function dealFour(rng: Rng): Card[] {
  return Array.from({ length: 4 }, () => ({ rank: rng.range(1, 13), suit: rng.pick(SUITS) }));
}

/** EZPoints: a first card 2..K, then the card that makes 12 by product (half the time when it divides) or by sum; random order. */
export function dealEz(rng: Rng): Card[] {
  const first: Card = { rank: rng.range(2, 13), suit: rng.pick(SUITS) };
  const v = pointValue(first);
  const second = [1, 2, 3, 4, 6].includes(v) && rng.next() <= 0.5 ? 12 / v : 12 - v;
  const cards: Card[] = [first, { rank: second, suit: rng.pick(SUITS) }];
  return rng.next() <= 0.5 ? cards.reverse() : cards;
}
