// Test helper: Sokoban levels from pictures in gym's text symbols.
import { FLOOR, TARGET, WALL, type SokobanLevel } from '../../main/core/games/sokoban/level';
import { SokobanEnv } from '../../main/core/games/sokoban';
import { SokobanSettings } from '../../main/core/games/sokoban/settings';

/** '#' wall, '_' floor, 'O' target, 'X' box, '√' box on target, 'P' player, 'S' player on target. */
export function levelFrom(picture: string[]): SokobanLevel {
  const rows = picture.length;
  const cols = picture[0]!.length;
  const fixed = new Uint8Array(rows * cols);
  const boxes: number[] = [];
  let player = -1;
  picture.forEach((line, r) =>
    [...line].forEach((ch, c) => {
      const i = r * cols + c;
      fixed[i] = ch === '#' ? WALL : 'O√S'.includes(ch) ? TARGET : FLOOR;
      if (ch === 'X' || ch === '√') boxes.push(i);
      if (ch === 'P' || ch === 'S') player = i;
    }),
  );
  return { rows, cols, fixed, boxes, player };
}

export function envFrom(picture: string[], settings: Partial<SokobanSettings> = {}): SokobanEnv {
  return new SokobanEnv(SokobanSettings.parse(settings), 0, levelFrom(picture));
}
