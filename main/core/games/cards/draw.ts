// Cards drawn simply but legibly: a white face with the rank in the corners
// and a large suit sign, or a blue back; on the green Gym-Cards table.
import { Canvas, spriteFromArt, type RGB, type Sprite } from '../draw/canvas';
import { drawText, GLYPH_H, textWidth } from '../draw/font';
import { isRed, rankLabel, type Card, type Suit } from './deck';

export const TABLE: RGB = [53, 101, 77]; // '#35654d', the Gym-Cards background
export const WHITE: RGB = [255, 255, 255];
const EDGE: RGB = [90, 90, 90];
const RED: RGB = [200, 20, 30];
const BLACK: RGB = [20, 20, 20];
const BACK: RGB = [35, 65, 160];
const BACK_LINE: RGB = [95, 130, 215];

const SUIT_ART: Record<Suit, string[]> = {
  H: ['.##...##.', '####.####', '#########', '#########', '.#######.', '..#####..', '...###...', '....#....', '.........'],
  D: ['....#....', '...###...', '..#####..', '.#######.', '#########', '.#######.', '..#####..', '...###...', '....#....'],
  C: ['...###...', '..#####..', '..#####..', '##.###.##', '#########', '##.###.##', '....#....', '...###...', '..#####..'],
  S: ['....#....', '...###...', '..#####..', '.#######.', '#########', '#########', '.##.#.##.', '....#....', '...###...'],
};

const suitSprites = new Map<string, Sprite>();
function suitSprite(s: Suit): Sprite {
  let sp = suitSprites.get(s);
  if (!sp) {
    sp = spriteFromArt(SUIT_ART[s], { '#': isRed(s) ? RED : BLACK });
    suitSprites.set(s, sp);
  }
  return sp;
}

export function drawCard(c: Canvas, x: number, y: number, w: number, h: number, card: Card): void {
  const r = Math.max(2, Math.floor(w / 12));
  c.fillRoundRect(x, y, w, h, r, EDGE);
  c.fillRoundRect(x + 1, y + 1, w - 2, h - 2, r, WHITE);
  const ink = isRed(card.suit) ? RED : BLACK;
  const label = rankLabel(card.rank);
  const s = Math.max(1, Math.floor(w / 30)); // corner text scale
  const pad = Math.max(3, Math.floor(w / 14));
  drawText(c, label, x + pad, y + pad, s, ink);
  c.blit(suitSprite(card.suit), x + pad, y + pad + (GLYPH_H + 2) * s, Math.max(1, s - 1));
  drawText(c, label, x + w - pad - textWidth(label, s), y + h - pad - GLYPH_H * s, s, ink);
  const big = Math.max(2, Math.floor(w / 18));
  c.blit(suitSprite(card.suit), x + Math.floor((w - 9 * big) / 2), y + Math.floor((h - 9 * big) / 2), big);
}

export function drawCardBack(c: Canvas, x: number, y: number, w: number, h: number): void {
  const r = Math.max(2, Math.floor(w / 12));
  c.fillRoundRect(x, y, w, h, r, EDGE);
  c.fillRoundRect(x + 1, y + 1, w - 2, h - 2, r, WHITE);
  c.fillRect(x + 5, y + 5, w - 10, h - 10, BACK);
  for (let yy = 0; yy < h - 10; yy++) for (let xx = 0; xx < w - 10; xx++) if ((xx + yy) % 8 === 0 || (xx - yy + 800) % 8 === 0) c.set(x + 5 + xx, y + 5 + yy, BACK_LINE);
}
