// The Qwen3-VL image processor as transformers runs it (its Qwen2-VL image
// processor, PIL backend): PNG decoded as Pillow's convert('RGB'), smart resize
// (qwenImage.ts) with Pillow's uint8 resampling (resample.ts), rescale in
// float64 then float32, normalise in float32, then cut into patches in the
// order the vision tower expects. Each still image is repeated over the
// temporal patch (2 frames), and rows follow merge blocks: block row, block
// column, row and column inside the block; each row is (channel, frame, y, x)
// of one 16×16 patch.
import { decodePng } from '../util/pngDecode';
import { configInt, imageBudget, QWEN3_VL_SIZING, TRANSFORMERS_DEFAULT_SIZING, type VisionSizing } from './qwenImage';
import { RESAMPLE, resizeRgb } from './resample';

export { RESAMPLE, resizeRgb };

export interface ProcessorOptions extends VisionSizing {
  temporalPatch: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** PIL resampling filter (0..5) for the resize; BICUBIC for Qwen-VL. */
  resample: number;
  /** Multiplies the uint8 values before normalising; null when do_rescale is false. */
  rescaleFactor: number | null;
  /** false when do_normalize is false: mean and std are not applied. */
  normalize: boolean;
}

export const QWEN3_VL_PROCESSOR: ProcessorOptions = {
  ...QWEN3_VL_SIZING,
  temporalPatch: 2,
  mean: [0.5, 0.5, 0.5],
  std: [0.5, 0.5, 0.5],
  resample: RESAMPLE.BICUBIC,
  rescaleFactor: 1 / 255,
  normalize: true,
};

/** OpenAI CLIP's mean and std: transformers' Qwen2-VL image processor defaults. */
const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** What transformers takes for a field preprocessor_config.json leaves out (its class defaults; see TRANSFORMERS_DEFAULT_SIZING). */
export const TRANSFORMERS_DEFAULT_PROCESSOR: ProcessorOptions = {
  ...TRANSFORMERS_DEFAULT_SIZING,
  temporalPatch: 2,
  mean: CLIP_MEAN,
  std: CLIP_STD,
  resample: RESAMPLE.BICUBIC,
  rescaleFactor: 1 / 255,
  normalize: true,
};

function flag(cfg: Record<string, unknown>, key: string, d: boolean): boolean {
  const v = cfg[key];
  if (v === undefined || v === null) return d;
  if (typeof v !== 'boolean') throw new Error(`preprocessor_config.json: ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** image_mean / image_std: three numbers, or one for every channel (as transformers accepts). */
function perChannel(cfg: Record<string, unknown>, key: string, d: [number, number, number]): [number, number, number] {
  const v = cfg[key];
  if (v === undefined || v === null) return d;
  if (typeof v === 'number' && Number.isFinite(v)) return [v, v, v];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) return v as [number, number, number];
  throw new Error(`preprocessor_config.json: ${key} must be a number or three numbers (one per RGB channel), got ${JSON.stringify(v)}`);
}

/**
 * The processor a preprocessor_config.json describes, reading each field as transformers 5.x does
 * and taking transformers' default for each one left out; `sizing` from sizingFromPreprocessor.
 * Settings transformers would run but our processor does not (no resize, no RGB conversion) are refused by name.
 */
export function processorFromConfig(cfg: Record<string, unknown> | null, sizing: VisionSizing): ProcessorOptions {
  if (!cfg) return { ...QWEN3_VL_PROCESSOR, ...sizing };
  const d = TRANSFORMERS_DEFAULT_PROCESSOR;
  if (!flag(cfg, 'do_resize', true))
    throw new Error('preprocessor_config.json: do_resize false is not supported (Qwen-VL images must be smart-resized to multiples of patch·merge)');
  if (!flag(cfg, 'do_convert_rgb', true)) throw new Error('preprocessor_config.json: do_convert_rgb false is not supported (images are always converted to RGB)');
  const resample = cfg.resample ?? d.resample;
  if (typeof resample !== 'number' || !Object.values(RESAMPLE).includes(resample as 0)) {
    throw new Error(`preprocessor_config.json: resample must be a PIL filter 0..5 (NEAREST, LANCZOS, BILINEAR, BICUBIC, BOX, HAMMING), got ${JSON.stringify(cfg.resample)}`);
  }
  const factor = cfg.rescale_factor ?? d.rescaleFactor;
  if (typeof factor !== 'number' || !Number.isFinite(factor))
    throw new Error(`preprocessor_config.json: rescale_factor must be a number, got ${JSON.stringify(cfg.rescale_factor)}`);
  return {
    ...sizing,
    temporalPatch: configInt(cfg, 'temporal_patch_size', d.temporalPatch),
    mean: perChannel(cfg, 'image_mean', d.mean),
    std: perChannel(cfg, 'image_std', d.std),
    resample,
    rescaleFactor: flag(cfg, 'do_rescale', true) ? factor : null,
    normalize: flag(cfg, 'do_normalize', true),
  };
}

export interface ProcessedImage {
  /** [t·h·w rows, 3·temporal·patch² columns], row-major. */
  pixels: Float32Array;
  grid: [number, number, number];
  /** <|image_pad|> tokens in the prompt: h·w / merge². */
  tokens: number;
}

/** The float32 value of each uint8 level per channel, computed in transformers' order and precision. */
function levels(o: ProcessorOptions): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    const m = Math.fround(o.mean[c]!);
    const s = Math.fround(o.std[c]!);
    for (let v = 0; v < 256; v++) {
      // rescale: float64 product, stored as float32; normalise: float32 (x - mean) / std.
      const x = o.rescaleFactor === null ? v : Math.fround(v * o.rescaleFactor);
      t[v] = o.normalize ? Math.fround(Math.fround(x - m) / s) : x;
    }
    return t;
  });
}

export function processImage(png: Buffer, o: ProcessorOptions = QWEN3_VL_PROCESSOR): ProcessedImage {
  const img = decodePng(png);
  const b = imageBudget(img.width, img.height, o);
  const W = b.resizedWidth;
  const H = b.resizedHeight;
  const rgb = resizeRgb(img.rgb, img.width, img.height, W, H, o.resample);
  const lut = levels(o);
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
          for (let c = 0; c < 3; c++) {
            const l = lut[c]!;
            for (let t = 0; t < T; t++)
              for (let py = 0; py < P; py++) {
                const base = ((y0 + py) * W + x0) * 3 + c;
                for (let px = 0; px < P; px++) pixels[row * cols + col++] = l[rgb[base + px * 3]!]!;
              }
          }
          row++;
        }
  return { pixels, grid: [1, gh, gw], tokens: b.tokens };
}
