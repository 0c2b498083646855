// FrozenLake frames: 64-px squares (ice, holes, a gift on the goal, a stool on
// the start, a small figure with a green hat), so a 4×4 lake is 256×256.
import { Canvas, type RGB } from '../draw/canvas';
import { toObservation } from '../draw/frame';
import type { Observation } from '../types';
import type { LakeMap } from './map';

export const SQUARE = 64;
const ICE: RGB = [186, 226, 242];
const ICE_LIGHT: RGB = [228, 246, 252];
const ICE_EDGE: RGB = [150, 198, 222];
const HOLE: RGB = [22, 44, 92];
const HOLE_RIM: RGB = [60, 96, 150];
const GIFT: RGB = [205, 30, 40];
const RIBBON: RGB = [250, 210, 40];
const STOOL: RGB = [140, 90, 40];
const SKIN: RGB = [245, 205, 165];
const HAT: RGB = [30, 150, 50];
const COAT: RGB = [40, 90, 200];
const BOOTS: RGB = [60, 40, 30];
const BLACK: RGB = [0, 0, 0];

function drawIce(c: Canvas, x: number, y: number): void {
  c.fillRect(x, y, SQUARE, SQUARE, ICE);
  c.strokeRect(x, y, SQUARE, SQUARE, ICE_EDGE, 1);
  c.fillRect(x + 10, y + 12, 14, 3, ICE_LIGHT);
  c.fillRect(x + 38, y + 44, 12, 3, ICE_LIGHT);
}

function drawHole(c: Canvas, x: number, y: number): void {
  c.fillEllipse(x + 32, y + 34, 26, 20, HOLE_RIM);
  c.fillEllipse(x + 32, y + 35, 22, 16, HOLE);
}

function drawGift(c: Canvas, x: number, y: number): void {
  c.fillRect(x + 18, y + 26, 28, 26, GIFT);
  c.fillRect(x + 15, y + 20, 34, 8, GIFT);
  c.fillRect(x + 29, y + 20, 6, 32, RIBBON);
  c.fillRect(x + 15, y + 23, 34, 3, RIBBON);
  c.fillEllipse(x + 26, y + 16, 6, 4, RIBBON);
  c.fillEllipse(x + 38, y + 16, 6, 4, RIBBON);
}

function drawStool(c: Canvas, x: number, y: number): void {
  c.fillRect(x + 20, y + 40, 24, 5, STOOL);
  c.fillRect(x + 22, y + 45, 4, 10, STOOL);
  c.fillRect(x + 38, y + 45, 4, 10, STOOL);
}

function drawPlayer(c: Canvas, x: number, y: number, fallen: boolean): void {
  if (fallen) {
    // Only the hat and a raised hand show above the water.
    c.fillRect(x + 26, y + 24, 12, 6, HAT);
    c.fillRect(x + 29, y + 16, 6, 8, HAT);
    c.fillRect(x + 40, y + 14, 4, 12, SKIN);
    return;
  }
  for (let i = 0; i < 12; i++) c.fillRect(x + 32 - i, y + 6 + i, 2 * i + 1, 1, HAT);
  c.fillEllipse(x + 32, y + 26, 8, 8, SKIN);
  c.fillRect(x + 28, y + 24, 2, 3, BLACK);
  c.fillRect(x + 35, y + 24, 2, 3, BLACK);
  c.fillRect(x + 23, y + 34, 18, 18, COAT);
  c.fillRect(x + 19, y + 36, 4, 12, COAT);
  c.fillRect(x + 41, y + 36, 4, 12, COAT);
  c.fillRect(x + 24, y + 52, 7, 8, BOOTS);
  c.fillRect(x + 33, y + 52, 7, 8, BOOTS);
}

export function drawLake(map: LakeMap, player: number): Canvas {
  const { size, squares } = map;
  const c = new Canvas(size * SQUARE, size * SQUARE, ICE);
  squares.forEach((sq, i) => {
    const x = (i % size) * SQUARE;
    const y = Math.floor(i / size) * SQUARE;
    drawIce(c, x, y);
    if (sq === 'H') drawHole(c, x, y);
    if (sq === 'G') drawGift(c, x, y);
    if (sq === 'S' && i !== player) drawStool(c, x, y);
    if (i === player) drawPlayer(c, x, y, sq === 'H');
  });
  return c;
}

/** RAGEN's FrozenLake symbols: P player, _ frozen, O hole, G goal, X player in a hole, √ player on the goal. */
export function lakeText(map: LakeMap, player: number): string {
  const rows: string[] = [];
  for (let r = 0; r < map.size; r++) {
    const cells: string[] = [];
    for (let col = 0; col < map.size; col++) {
      const i = r * map.size + col;
      const sq = map.squares[i];
      cells.push(i === player ? (sq === 'H' ? 'X' : sq === 'G' ? '√' : 'P') : sq === 'H' ? 'O' : sq === 'G' ? 'G' : '_');
    }
    rows.push(cells.join('\t'));
  }
  return rows.join('\n');
}

export function renderLake(map: LakeMap, player: number): Observation {
  return toObservation(drawLake(map, player), lakeText(map, player));
}
