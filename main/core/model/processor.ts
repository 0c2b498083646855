// The Qwen3-VL image processor: smart resize (qwenImage.ts), rescale and
// normalise, then cut into patches in the order the vision tower expects.
// Each still image is repeated over the temporal patch (2 frames), and rows
// follow merge blocks: block row, block column, row and column inside the block;
// each row is (channel, frame, y, x) of one 16×16 patch.
import { decodePng } from '../util/pngDecode';
import { imageBudget, type VisionSizing, QWEN3_VL_SIZING } from './qwenImage';

export interface ProcessorOptions extends VisionSizing {
  temporalPatch: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export const QWEN3_VL_PROCESSOR: ProcessorOptions = { ...QWEN3_VL_SIZING, temporalPatch: 2, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

export function processorFromConfig(cfg: Record<string, unknown> | null, sizing: VisionSizing): ProcessorOptions {
  const triple = (v: unknown, d: [number, number, number]): [number, number, number] =>
    Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as [number, number, number]) : d;
  return {
    ...sizing,
    temporalPatch: typeof cfg?.temporal_patch_size === 'number' ? cfg.temporal_patch_size : 2,
    mean: triple(cfg?.image_mean, QWEN3_VL_PROCESSOR.mean),
    std: triple(cfg?.image_std, QWEN3_VL_PROCESSOR.std),
  };
}

export interface ProcessedImage {
  /** [t·h·w rows, 3·temporal·patch² columns], row-major. */
  pixels: Float32Array;
  grid: [number, number, number];
  /** <|image_pad|> tokens in the prompt: h·w / merge². */
  tokens: number;
}

/** Bicubic (a = -0.5) resampling with a widened kernel when shrinking, as PIL does; uint8 out. */
export function resizeRgb(src: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return src;
  const cubic = (x: number): number => {
    const a = -0.5;
    x = Math.abs(x);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  };
  // One separable pass: for each output index, the source taps and their weights.
  const taps = (inSize: number, outSize: number) => {
    const scale = inSize / outSize;
    const support = 2 * Math.max(1, scale);
    const out: { start: number; weights: number[] }[] = [];
    for (let i = 0; i < outSize; i++) {
      const center = (i + 0.5) * scale;
      const start = Math.max(0, Math.floor(center - support));
      const end = Math.min(inSize, Math.ceil(center + support));
      const f = Math.max(1, scale);
      const weights: number[] = [];
      for (let j = start; j < end; j++) weights.push(cubic((j + 0.5 - center) / f));
      const sum = weights.reduce((a, b) => a + b, 0) || 1;
      out.push({ start, weights: weights.map((x) => x / sum) });
    }
    return out;
  };
  const tx = taps(w, W);
  const ty = taps(h, H);
  const mid = new Float64Array(W * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < W; x++) {
      const { start, weights } = tx[x]!;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) acc += weights[k]! * src[(y * w + start + k) * 3 + c]!;
        mid[(y * W + x) * 3 + c] = acc;
      }
    }
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const { start, weights } = ty[y]!;
    for (let x = 0; x < W; x++)
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) acc += weights[k]! * mid[((start + k) * W + x) * 3 + c]!;
        out[(y * W + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc)));
      }
  }
  return out;
}

export function processImage(png: Buffer, o: ProcessorOptions = QWEN3_VL_PROCESSOR): ProcessedImage {
  const img = decodePng(png);
  const b = imageBudget(img.width, img.height, o);
  const W = b.resizedWidth;
  const H = b.resizedHeight;
  const rgb = resizeRgb(img.rgb, img.width, img.height, W, H);
  const P = o.patchSize;
  const m = o.mergeSize;
  const T = o.temporalPatch;
  const gh = H / P;
  const gw = W / P;
  const cols = 3 * T * P * P;
  const pixels = new Float32Array(gh * gw * cols);
  let row = 0;
  for (let bh = 0; bh < gh / m; bh++)
    for (let bw = 0; bw < gw / m; bw++)
      for (let ih = 0; ih < m; ih++)
        for (let iw = 0; iw < m; iw++) {
          const y0 = (bh * m + ih) * P;
          const x0 = (bw * m + iw) * P;
          let col = 0;
          for (let c = 0; c < 3; c++)
            for (let t = 0; t < T; t++)
              for (let py = 0; py < P; py++)
                for (let px = 0; px < P; px++) {
                  const v = rgb[((y0 + py) * W + x0 + px) * 3 + c]!;
                  pixels[row * cols + col++] = (v / 255 - o.mean[c]!) / o.std[c]!;
                }
          row++;
        }
  return { pixels, grid: [1, gh, gw], tokens: b.tokens };
}
