import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getGame } from '../../../../main/core/games';
import { processedSize, resizeBicubic } from '../../../../main/core/games/draw/resample';
import { SokobanEnv } from '../../../../main/core/games/sokoban';
import { drawBoard, TILE } from '../../../../main/core/games/sokoban/render';
import { SokobanBoard } from '../../../../main/core/games/sokoban/rules';
import { pngSize } from '../../../../main/core/util/png';
import { decodePng, pixel } from '../../../helpers/pngPixels';
import { envFrom, levelFrom } from '../../../helpers/sokobanLevels';

const near = (a: readonly number[], b: readonly number[], tol = 40): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('Sokoban frames', () => {
  it('are 256×256 8-bit RGB PNGs for the default 6×6 room (96×96 tiles scaled up)', () => {
    const env = getGame('sokoban').create({}, 3) as SokobanEnv;
    const obs = env.reset();
    expect(obs).toMatchObject({ width: 256, height: 256 });
    expect(pngSize(obs.png)).toEqual({ width: 256, height: 256 });
    const d = decodePng(obs.png);
    expect(d).toMatchObject({ width: 256, height: 256, colorType: 2, bitDepth: 8 });
    // One generated frame for a person to compare with the reference (arlarena-sokoban-frame.png).
    writeFileSync('/tmp/sokoban-check.png', obs.png);
  });

  it('draw the reference look: brick walls, black floor, yellow crate, red target frame, green player', () => {
    const lv = levelFrom(['######', '######', '######', '######', '#PX_O#', '######']);
    const c = drawBoard(lv, lv.player, new SokobanBoard(lv).box);
    expect(c.width).toBe(6 * TILE);
    const at = (x: number, y: number): number[] => Array.from(c.data.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3));
    expect(near(at(1, 1), [176, 61, 0])).toBe(true); // brick
    expect(at(3 * 16 + 8, 4 * 16 + 1)).toEqual([0, 0, 0]); // floor
    expect(near(at(2 * 16 + 8, 4 * 16 + 3), [215, 195, 0])).toBe(true); // crate face
    expect(near(at(4 * 16 + 1, 4 * 16 + 8), [237, 22, 22])).toBe(true); // target frame
    expect(near(at(4 * 16 + 7, 4 * 16 + 7), [237, 22, 22])).toBe(true); // target diamond
    expect(near(at(1 * 16 + 8, 4 * 16 + 9), [42, 202, 26])).toBe(true); // player

    // The same look survives the resize: compare with the real ARLArena frame's colours.
    const ref = decodePng(readFileSync(join(__dirname, '../../../fixtures/arlarena/reference-sokoban-frame.png')));
    const ours = decodePng(envFrom(['######', '######', '######', '#____#', '#PX_O#', '######']).reset().png);
    expect(near(pixel(ours, 5, 5), pixel(ref, 5, 5), 50)).toBe(true); // wall at the top-left
    expect(near(pixel(ours, 128, 140), pixel(ref, 128, 140), 10)).toBe(true); // floor
    expect(near(pixel(ours, 64, 190), pixel(ref, 64, 190), 60)).toBe(true); // the player's body
  });

  it('sizes frames as process_image does (aspect kept, at least 256×256 pixels)', () => {
    expect(processedSize(96, 96)).toEqual({ width: 256, height: 256 });
    expect(processedSize(112, 80)).toEqual({ width: 302, height: 216 });
    expect(processedSize(300, 300)).toEqual({ width: 300, height: 300 });
    expect(processedSize(4096, 4096)).toEqual({ width: 2048, height: 2048 });
    const env = getGame('sokoban').create({ rows: 5, cols: 7 }, 2);
    const obs = env.reset();
    expect(pngSize(obs.png)).toEqual({ width: 302, height: 216 });
  });

  it('resizes like Pillow bicubic: flat stays flat, values clamp, edges ring a little', () => {
    const flat = new Uint8Array(4 * 4 * 3).fill(77);
    expect(Array.from(resizeBicubic(flat, 4, 4, 11, 7)).every((v) => v === 77)).toBe(true);
    // A black|white step: bicubic (a = -0.5) overshoots next to the edge and is clamped to 0..255.
    const step = new Uint8Array([0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
    const row = Array.from(resizeBicubic(step, 4, 1, 8, 1)).filter((_, i) => i % 3 === 0);
    expect(row[0]).toBe(0);
    expect(row[7]).toBe(255);
    expect(row).toEqual([...row].sort((a, b) => a - b)); // monotone after clamping
    // By hand with Resample.c's arithmetic: output 3 has centre 1.75, weights for inputs 2 and 3 are
    // 0.2265625 and -0.0234375 → 22-bit ints 950272 and -98304 → (2^21 + 255 × 851968) >> 22 = 52.
    expect(row).toEqual([0, 0, 0, 52, 203, 255, 255, 255]);
  });
});
