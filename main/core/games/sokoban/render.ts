// Sokoban frames in the look users' models were trained on: 16-px tiles (brick
// wall, black floor, green alien, yellow crate with an orange X, red-framed
// target with a red diamond), then resized like ARLArena (96×96 → 256×256).
// The sprites are our own drawings of those descriptions.
import { Canvas, spriteFromArt, type RGB, type Sprite } from '../draw/canvas';
import { toObservation } from '../draw/frame';
import type { Observation } from '../types';
import { TARGET, WALL, type SokobanLevel } from './level';

export const TILE = 16;

const BRICK: RGB = [176, 61, 0];
const BRICK_DARK: RGB = [150, 50, 0];
const MORTAR: RGB = [176, 158, 146];
const RED: RGB = [237, 22, 22];
const BOX_EDGE: RGB = [200, 98, 0];
const BOX_ORANGE: RGB = [215, 112, 0];
const BOX_YELLOW: RGB = [215, 195, 0];
const GREEN: RGB = [42, 202, 26];
const GREEN_DARK: RGB = [35, 172, 22];
const BLACK: RGB = [0, 0, 0];

const wall = spriteFromArt(
  [
    'bbbmbbbbbbbmbbbb',
    'bbbmbbbbbbbmbbbb',
    'bbbmbbbbbbbmbbbb',
    'bbbmbbbbbbbmbbbb',
    'bbbmbbbbbbbmbbbb',
    'dddmdddddddmdddd',
    'mmmmmmmmmmmmmmmm',
    'mmmmmmmmmmmmmmmm',
    'bbbbbbbmbbbbbbbm',
    'bbbbbbbmbbbbbbbm',
    'bbbbbbbmbbbbbbbm',
    'bbbbbbbmbbbbbbbm',
    'bbbbbbbmbbbbbbbm',
    'dddddddmdddddddm',
    'mmmmmmmmmmmmmmmm',
    'mmmmmmmmmmmmmmmm',
  ],
  { b: BRICK, d: BRICK_DARK, m: MORTAR },
);

const target = spriteFromArt(
  [
    '................',
    '.rrrrrrrrrrrrrr.',
    '.r............r.',
    '.r............r.',
    '.r............r.',
    '.r.....rr.....r.',
    '.r....rrrr....r.',
    '.r...rrrrrr...r.',
    '.r...rrrrrr...r.',
    '.r....rrrr....r.',
    '.r.....rr.....r.',
    '.r............r.',
    '.r............r.',
    '.r............r.',
    '.rrrrrrrrrrrrrr.',
    '................',
  ],
  { r: RED },
);

const player = spriteFromArt(
  [
    '................',
    '...g........g...',
    '...gg......gg...',
    '....gggggggg....',
    '...gggggggggg...',
    '..ggkkggggkkgg..',
    '.gggkkggggkkggg.',
    'gggggggggggggggg',
    'gggggggggggggggg',
    'gggggggggggggggg',
    'gggggggggggggggg',
    '.gggggggggggggg.',
    '..gddddddddddg..',
    '...gg......gg...',
    '...gg......gg...',
    '................',
  ],
  { g: GREEN, d: GREEN_DARK, k: BLACK },
);

function crate(edge: RGB): Sprite {
  const pixels: RGB[] = [];
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      const border = x === 0 || y === 0 || x === TILE - 1 || y === TILE - 1;
      // A 2-px X from corner to corner.
      const cross = x - y === 0 || x - y === 1 || x + y === TILE - 1 || x + y === TILE;
      pixels.push(border ? edge : cross ? BOX_ORANGE : BOX_YELLOW);
    }
  return { width: TILE, height: TILE, pixels };
}
const box = crate(BOX_EDGE);
// A box already on its target keeps the crate look with the target's red frame.
const boxOnTarget = crate(RED);

/** The board at 16 px a tile, before any resize. */
export function drawBoard(level: SokobanLevel, playerCell: number, boxAt: Uint8Array): Canvas {
  const { rows, cols, fixed } = level;
  const c = new Canvas(cols * TILE, rows * TILE, BLACK);
  for (let i = 0; i < fixed.length; i++) {
    const x = (i % cols) * TILE;
    const y = Math.floor(i / cols) * TILE;
    if (fixed[i] === WALL) {
      c.blit(wall, x, y);
      continue;
    }
    const onTarget = fixed[i] === TARGET;
    if (boxAt[i]) c.blit(onTarget ? boxOnTarget : box, x, y);
    else {
      if (onTarget) c.blit(target, x, y);
      if (i === playerCell) c.blit(player, x, y);
    }
  }
  return c;
}

/** gym_sokoban's tiny_rgb_array symbols, one cell each, tab-separated. */
export function textGrid(level: SokobanLevel, playerCell: number, boxAt: Uint8Array): string {
  const { rows, cols, fixed } = level;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const t = fixed[i] === TARGET;
      cells.push(fixed[i] === WALL ? '#' : boxAt[i] ? (t ? '√' : 'X') : i === playerCell ? (t ? 'S' : 'P') : t ? 'O' : '_');
    }
    lines.push(cells.join('\t'));
  }
  return lines.join('\n');
}

export function renderSokoban(level: SokobanLevel, playerCell: number, boxAt: Uint8Array): Observation {
  return toObservation(drawBoard(level, playerCell, boxAt), textGrid(level, playerCell, boxAt));
}
