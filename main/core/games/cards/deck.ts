// Playing cards as the Gym-Cards games deal them.
export const SUITS = ['H', 'S', 'D', 'C'] as const;
export type Suit = (typeof SUITS)[number];

export interface Card {
  /** 1 (ace) .. 13 (king). */
  rank: number;
  suit: Suit;
}

/** What the point games count: ace 1, faces 10. */
export const pointValue = (c: Card): number => Math.min(c.rank, 10);

export function rankLabel(rank: number): string {
  return rank === 1 ? 'A' : rank === 11 ? 'J' : rank === 12 ? 'Q' : rank === 13 ? 'K' : String(rank);
}

export const isRed = (s: Suit): boolean => s === 'H' || s === 'D';
