// A conversation → what the model reads: token ids with each image's single
// <|image_pad|> expanded to its token count, labels (-100 outside the loss
// spans), the processed pixels and grids, and the 3-D position ids. The whole
// rendered text is tokenised at once, as transformers' processor does (a reply
// that starts with "\n" merges with the header's newline into one token), and a
// token is trained when its text overlaps a loss span, as the processor's
// assistant mask is made; labels stay unshifted (the trainer shifts them).
import { type ChatMessage, lossSpans } from './chat';
import { processImage, processorFromConfig } from './processor';
import { ropeIndex } from './ropeIndex';
import type { TextSide } from './templateAndTokenizer';

export interface Encoded {
  inputIds: number[];
  labels: number[];
  pixels: Float32Array[];
  grids: [number, number, number][];
  positions: [Int32Array, Int32Array, Int32Array];
}

export const IGNORE = -100;

/** The prompt for generating the next assistant turn: the messages, then the template's generation prompt; no labels. */
export function encodePrompt(messages: ChatMessage[], images: Buffer[], text: TextSide): Encoded {
  return encodeConversation(messages, images, text, 'none');
}

export function encodeConversation(messages: ChatMessage[], images: Buffer[], text: TextSide, labels: 'assistant' | 'all' | 'none' = 'assistant'): Encoded {
  const tok = text.tokenizer;
  if (!tok) throw new Error('encoding needs the model folder’s tokenizer.json');
  const pad = tok.specialIds.get('<|image_pad|>');
  if (pad === undefined) throw new Error(`${tok.source}: has no <|image_pad|> token`);
  const rendered = text.render(messages, labels === 'none');
  const spans: [number, number][] = labels === 'none' ? [] : labels === 'all' ? [[0, rendered.length]] : lossSpans(rendered, messages, (m) => m.role === 'assistant');
  const proc = processorFromConfig(text.preprocessor, text.sizing);
  const processed = images.map((png) => processImage(png, proc));
  const inputIds: number[] = [];
  const out: number[] = [];
  const { ids, offsets } = tok.encodeWithOffsets(rendered);
  let image = 0;
  let span = 0;
  ids.forEach((id, k) => {
    const [a, b] = offsets[k]!;
    while (span < spans.length && spans[span]![1] <= a) span++;
    const trained = span < spans.length && spans[span]![0] < b;
    if (id === pad) {
      const p = processed[image++];
      if (!p) throw new Error(`the template wrote more image placeholders than the ${images.length} image(s) given`);
      for (let t = 0; t < p.tokens; t++) {
        inputIds.push(pad);
        out.push(IGNORE); // image tokens are never predicted
      }
    } else {
      inputIds.push(id);
      out.push(trained ? id : IGNORE);
    }
  });
  if (image !== images.length) throw new Error(`${images.length} image(s) given but the template wrote ${image} placeholder(s)`);
  const grids = processed.map((p) => p.grid);
  return { inputIds, labels: out, pixels: processed.map((p) => p.pixels), grids, positions: ropeIndex(inputIds, grids, pad, proc.mergeSize) };
}

export interface EngineBatch {
  batch: number;
  seq: number;
  inputIds: Int32Array;
  attentionMask: Int32Array;
  labels: Int32Array;
  positionIds: Int32Array; // [3, batch, seq]
  pixelValues?: Float32Array;
  imageGrids?: Int32Array;
}

/** Right-pads samples to one length; pixels and grids concatenate in sample order. */
export function collate(samples: Encoded[], padId: number): EngineBatch {
  const B = samples.length;
  const S = Math.max(...samples.map((s) => s.inputIds.length));
  const ids = new Int32Array(B * S).fill(padId);
  const mask = new Int32Array(B * S);
  const labels = new Int32Array(B * S).fill(IGNORE);
  const pos = new Int32Array(3 * B * S).fill(1);
  samples.forEach((s, b) => {
    s.inputIds.forEach((id, i) => {
      ids[b * S + i] = id;
      mask[b * S + i] = 1;
      labels[b * S + i] = s.labels[i]!;
      for (let a = 0; a < 3; a++) pos[a * B * S + b * S + i] = s.positions[a]![i]!;
    });
  });
  return { batch: B, seq: S, inputIds: ids, attentionMask: mask, labels, positionIds: pos, ...imagesOf(samples) };
}

/** Every image of the samples, in order: the patches concatenated and one (t, h, w) per image. */
export function imagesOf(samples: Encoded[]): { pixelValues?: Float32Array; imageGrids?: Int32Array } {
  const pixels = samples.flatMap((s) => s.pixels);
  if (pixels.length === 0) return {};
  const px = new Float32Array(pixels.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pixels) {
    px.set(p, at);
    at += p.length;
  }
  return { pixelValues: px, imageGrids: Int32Array.from(samples.flatMap((s) => s.grids.flat())) };
}

/**
 * Several samples in one row (sequence packing): the attention mask holds each sample's segment
 * number (1, 2, …), so the engine lets a token see its own sample only; positions restart per
 * sample; the first label of each sample is ignored, so no sample is trained to predict the next.
 */
export function collatePacked(samples: Encoded[]): EngineBatch {
  const S = samples.reduce((n, s) => n + s.inputIds.length, 0);
  const ids = new Int32Array(S);
  const mask = new Int32Array(S);
  const labels = new Int32Array(S);
  const pos = new Int32Array(3 * S);
  let at = 0;
  samples.forEach((s, k) => {
    s.inputIds.forEach((id, i) => {
      ids[at + i] = id;
      mask[at + i] = k + 1;
      labels[at + i] = i === 0 ? IGNORE : s.labels[i]!;
      for (let a = 0; a < 3; a++) pos[a * S + at + i] = s.positions[a]![i]!;
    });
    at += s.inputIds.length;
  });
  return { batch: 1, seq: S, inputIds: ids, attentionMask: mask, labels, positionIds: pos, ...imagesOf(samples) };
}

/** First-fit decreasing: samples into rows of at most maxTokens (a longer sample gets a row of its own). */
export function packRows<T extends { inputIds: unknown[] }>(samples: T[], maxTokens: number): T[][] {
  const rows: { items: T[]; used: number }[] = [];
  for (const s of [...samples].sort((a, b) => b.inputIds.length - a.inputIds.length)) {
    const n = s.inputIds.length;
    const row = rows.find((r) => r.used + n <= maxTokens);
    if (row) {
      row.items.push(s);
      row.used += n;
    } else rows.push({ items: [s], used: n });
  }
  return rows.map((r) => r.items);
}
