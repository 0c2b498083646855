// Test helper: the core's PNG decoder, plus pixel access for assertions.
import { type Decoded, decodePng } from '../../main/core/util/pngDecode';

export { decodePng, type Decoded };

export function pixel(d: Decoded, x: number, y: number): [number, number, number] {
  const i = (y * d.width + x) * 3;
  return [d.rgb[i]!, d.rgb[i + 1]!, d.rgb[i + 2]!];
}
