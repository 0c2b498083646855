// Token and image budget of a sample as Qwen3-VL will see it: the rendered
// chat template's text tokens plus, per image, vision_start + vision_end and
// grid_h·grid_w/merge² image_pad tokens from the smart-resized size.
import { IMAGE_PLACEHOLDER, type ChatMessage, lossSpans } from '../../model/chat';
import { type ImageBudget, imageBudget, imageSize } from '../../model/qwenImage';
import type { TextSide } from '../../model/textSide';
import { StudioError } from '../../util/errors';
import type { Sample } from './samples';

export interface SampleBudget {
  rendered: string;
  tokens: number;
  textTokens: number;
  imageTokens: number;
  images: ImageBudget[];
  spans: [number, number][];
}

export function sampleBudget(sample: Sample, text: TextSide, labels: 'assistant' | 'all'): SampleBudget {
  const rendered = text.render(sample.messages);
  const pieces = rendered.split(IMAGE_PLACEHOLDER);
  if (pieces.length - 1 !== sample.images.length) {
    throw new StudioError('bad_input', `${text.templateSource}: the template wrote ${pieces.length - 1} image placeholders for ${sample.images.length} images (sample ${sample.key})`);
  }
  const images = sample.images.map((png, i) => {
    const size = imageSize(png);
    if (!size) throw new StudioError('bad_input', `sample ${sample.key}: image ${i} is neither PNG nor JPEG`);
    return imageBudget(size.width, size.height, text.sizing);
  });
  const textTokens = pieces.reduce((n, p) => n + (p ? text.countTokens(p) : 0), 0);
  const imageTokens = images.reduce((n, im) => n + im.tokens + 2, 0);
  const trained = labels === 'all' ? () => true : (m: ChatMessage) => m.role === 'assistant';
  const spans = labels === 'all' ? [[0, rendered.length] as [number, number]] : lossSpans(rendered, sample.messages, trained);
  return { rendered, tokens: textTokens + imageTokens, textTokens, imageTokens, images, spans };
}

/** Up to ~20 fixed-width bins of a round width, from just below the smallest value to the largest. */
export function histogram(values: number[], bins = 20): { edges: number[]; counts: number[] } {
  if (!values.length) return { edges: [0, 1], counts: [0] };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = niceStep(Math.max(1, max - min) / bins);
  const lo = Math.floor(min / step) * step;
  const n = Math.max(1, Math.floor((max - lo) / step) + 1);
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + i * step);
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - lo) / step))]!++;
  return { edges, counts };
}

function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(1, x)));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}
