import type { TextSide } from '../../model/templateAndTokenizer';
import { StudioError } from '../../util/errors';

/** The model's image limits, overridden by the user's min/max pixels when set. */
export function withPixelLimits(text: TextSide, c: { minPixels?: number; maxPixels?: number }): TextSide {
  const sizing = { ...text.sizing, minPixels: c.minPixels ?? text.sizing.minPixels, maxPixels: c.maxPixels ?? text.sizing.maxPixels };
  if (sizing.minPixels > sizing.maxPixels) throw new StudioError('bad_input', `minPixels (${sizing.minPixels}) is larger than maxPixels (${sizing.maxPixels})`);
  return { ...text, sizing };
}
