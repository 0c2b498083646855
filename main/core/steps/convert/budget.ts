// Token and image budget of a sample as Qwen3-VL will see it: the rendered
// chat template's text tokens plus, per image, vision_start + vision_end and
// grid_h·grid_w/merge² image_pad tokens from the smart-resized size.
import { IMAGE_PLACEHOLDER, type ChatMessage, lossSpans } from '../../model/chat';
import { type ImageBudget, imageBudget, imageSize } from '../../model/qwenImage';
import type { TextSide } from '../../model/templateAndTokenizer';
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
    throw new StudioError(
      'bad_input',
      `${text.templateSource}: the template wrote ${pieces.length - 1} image placeholders for ${sample.images.length} images (sample ${sample.key})`,
    );
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

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}
