// The image processor, rope index and encoder against their definitions.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../main/core/model/chat';
import { encodeConversation, IGNORE } from '../../../main/core/model/encode';
import { processImage, QWEN3_VL_PROCESSOR, resizeRgb } from '../../../main/core/model/processor';
import { ropeIndex } from '../../../main/core/model/ropeIndex';
import { loadTextSide } from '../../../main/core/model/templateAndTokenizer';
import { encodePngRgb } from '../../../main/core/util/png';
import { makeQwen3VLCheckpoint } from '../../helpers/checkpoints';
import { frame } from '../../helpers/datasets';
import { specialId } from '../../helpers/tokenizer';
import { tempDir } from '../../helpers/tmp';

/** numpy-style reshape + transpose on a flat array: the processor's patch order written as transformers writes it. */
function transpose(data: Float64Array, shape: number[], perm: number[]): Float64Array {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = perm.map((p) => shape[p]!);
  const out = new Float64Array(data.length);
  const idx = new Array(outShape.length).fill(0);
  for (let n = 0; n < data.length; n++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k] * strides[perm[k]!]!;
    out[n] = data[src]!;
    for (let k = outShape.length - 1; k >= 0; k--) {
      if (++idx[k] < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

describe('Qwen3-VL image processor', () => {
  it('normalises and orders patches exactly as the reference reshape/transpose does', () => {
    const W = 64;
    const H = 32; // smart-resized unchanged when min pixels allow it
    const rgb = new Uint8Array(W * H * 3);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + (i >> 5)) & 255;
    const o = { ...QWEN3_VL_PROCESSOR, minPixels: 32 * 32 };
    const p = processImage(encodePngRgb(W, H, rgb), o);
    expect(p.grid).toEqual([1, 2, 4]);
    expect(p.tokens).toBe(2);
    // channels-first, normalised, repeated over 2 frames; then transformers' 9-D reshape and transpose.
    const P = 16;
    const chw = new Float64Array(2 * 3 * H * W);
    for (let t = 0; t < 2; t++)
      for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) chw[((t * 3 + c) * H + y) * W + x] = (rgb[(y * W + x) * 3 + c]! / 255 - 0.5) / 0.5;
    const want = transpose(chw, [1, 2, 3, H / P / 2, 2, P, W / P / 2, 2, P], [0, 3, 6, 4, 7, 2, 1, 5, 8]);
    expect(p.pixels.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(p.pixels[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('resizes to the smart-resized size (bicubic) and keeps a flat colour flat', () => {
    const flat = new Uint8Array(40 * 30 * 3).fill(77);
    const out = resizeRgb(flat, 40, 30, 64, 32);
    expect(out.length).toBe(64 * 32 * 3);
    expect(new Set(out)).toEqual(new Set([77]));
    const p = processImage(encodePngRgb(96, 96, new Uint8Array(96 * 96 * 3).fill(200)));
    expect(p.grid).toEqual([1, 16, 16]); // 96² is below 256²: scaled up to 256×256
    expect(p.tokens).toBe(64);
  });
});

describe('rope index', () => {
  it('gives text one shared position and image tokens (t, row, column) of the merged grid', () => {
    const I = 9;
    const ids = [1, 2, 3, I, I, I, I, I, I, 4, 5];
    const [t, h, w] = ropeIndex(ids, [[1, 4, 6]], I, 2);
    expect([...t]).toEqual([0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7]);
    expect([...h]).toEqual([0, 1, 2, 3, 3, 3, 4, 4, 4, 6, 7]);
    expect([...w]).toEqual([0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7]);
    const padded = ropeIndex([1, 2, 0, 0], [], I, 2, [1, 1, 0, 0]);
    expect([...padded[0]]).toEqual([0, 1, 1, 1]);
    expect(() => ropeIndex([1, I, I], [[1, 4, 6]], I, 2)).toThrow(/needs 6 image tokens/);
  });
});

describe('conversation encoding', () => {
  it("expands each image to its tokens and puts labels on assistant text, its end-of-turn and newline only (TRL's mask)", () => {
    const dir = join(tempDir(), 'm');
    makeQwen3VLCheckpoint(dir, { dtype: 'F32', shards: 1 });
    const text = loadTextSide(dir);
    const msgs: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'image', text: null },
          { type: 'text', text: 'up or down?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: ' down' }] },
    ];
    const e = encodeConversation(msgs, [frame(0, 0)], text);
    const pad = specialId('<|image_pad|>');
    expect(e.inputIds.filter((t) => t === pad)).toHaveLength(64);
    const trained = e.inputIds.filter((_, i) => e.labels[i] !== IGNORE);
    expect(trained).toEqual([...text.tokenizer!.encode(' down'), specialId('<|im_end|>'), ...text.tokenizer!.encode('\n')]);
    expect(text.tokenizer!.encode(text.render(msgs)).length).toBe(e.inputIds.length - 63); // one pad in the text, 64 in the ids
    const all = encodeConversation(msgs, [frame(0, 0)], text, 'all');
    expect(all.labels.filter((l) => l === IGNORE)).toHaveLength(64); // only the image tokens are never targets
    expect(() => encodeConversation(msgs, [], text)).toThrow(/more image placeholders than the 0 image/);
  });
});
