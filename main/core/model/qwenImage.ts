// The Qwen3-VL image processor's size arithmetic: how big an image is after
// smart resize (sides multiples of patch·merge, area within min/max pixels,
// aspect kept) and how many <|image_pad|> tokens it becomes in the prompt.
// Python's round() rounds halves to even; so does ours, or 48 px and 80 px
// images would get a different grid than transformers gives them.
import { pngSize } from '../util/png';

export interface VisionSizing {
  patchSize: number;
  mergeSize: number;
  minPixels: number;
  maxPixels: number;
}

/** Qwen3-VL's preprocessor defaults: patch 16, merge 2, 256² to 4096² pixels. */
export const QWEN3_VL_SIZING: VisionSizing = { patchSize: 16, mergeSize: 2, minPixels: 256 * 256, maxPixels: 4096 * 4096 };

export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function smartResize(height: number, width: number, s: VisionSizing = QWEN3_VL_SIZING): { height: number; width: number } {
  if (!(height > 0 && width > 0)) throw new Error(`image size must be positive, got ${width}×${height}`);
  if (Math.max(height, width) / Math.min(height, width) > 200) {
    throw new Error(`image aspect ratio must be under 200, got ${width}×${height}`);
  }
  const factor = s.patchSize * s.mergeSize;
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > s.maxPixels) {
    const beta = Math.sqrt((height * width) / s.maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < s.minPixels) {
    const beta = Math.sqrt(s.minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { height: h, width: w };
}

export interface ImageBudget {
  width: number;
  height: number;
  resizedWidth: number;
  resizedHeight: number;
  /** image_grid_thw for a still image: t = 1. */
  grid: [number, number, number];
  /** <|image_pad|> tokens: grid_h · grid_w / merge². */
  tokens: number;
}

export function imageBudget(width: number, height: number, s: VisionSizing = QWEN3_VL_SIZING): ImageBudget {
  const r = smartResize(height, width, s);
  const gh = r.height / s.patchSize;
  const gw = r.width / s.patchSize;
  return { width, height, resizedWidth: r.width, resizedHeight: r.height, grid: [1, gh, gw], tokens: (gh * gw) / (s.mergeSize * s.mergeSize) };
}

/** Width and height from a PNG or JPEG header; null for anything else. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const png = pngSize(bytes);
  if (png) return png;
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1]!;
      const len = (bytes[i + 2]! << 8) | bytes[i + 3]!;
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
      }
      i += 2 + len;
    }
  }
  return null;
}

/**
 * What transformers' Qwen2-VL image processor (the one Qwen3-VL loads) takes for a field that
 * preprocessor_config.json leaves out: its class defaults, which are Qwen2-VL's (patch 14,
 * 56² to 28²·1280 pixels), not Qwen3-VL's. Real Qwen3-VL folders write every field.
 */
export const TRANSFORMERS_DEFAULT_SIZING: VisionSizing = { patchSize: 14, mergeSize: 2, minPixels: 56 * 56, maxPixels: 28 * 28 * 1280 };

/** A positive integer field of preprocessor_config.json; absent (or null) gives `d`, anything else is an error naming the field. */
export function configInt(cfg: Record<string, unknown>, key: string, d: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) return d;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`preprocessor_config.json: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Sizing from a model folder's preprocessor_config.json as transformers 5.x reads it: `size`
 * {shortest_edge, longest_edge} (its default when absent), with top-level min_pixels / max_pixels
 * replacing either edge. A `size` without both edges is refused, as transformers refuses it.
 * No file at all: Qwen3-VL's own values.
 */
export function sizingFromPreprocessor(cfg: Record<string, unknown> | null): VisionSizing {
  if (!cfg) return QWEN3_VL_SIZING;
  const d = TRANSFORMERS_DEFAULT_SIZING;
  let size: Record<string, unknown>;
  if (cfg.size === undefined || cfg.size === null) size = { shortest_edge: d.minPixels, longest_edge: d.maxPixels };
  else if (typeof cfg.size === 'object' && !Array.isArray(cfg.size)) size = { ...(cfg.size as Record<string, unknown>) };
  else throw new Error(`preprocessor_config.json: size must be an object {shortest_edge, longest_edge}, got ${JSON.stringify(cfg.size)}`);
  if (cfg.min_pixels !== undefined && cfg.min_pixels !== null) size.shortest_edge = cfg.min_pixels;
  if (cfg.max_pixels !== undefined && cfg.max_pixels !== null) size.longest_edge = cfg.max_pixels;
  for (const [edge, alt] of [
    ['shortest_edge', 'min_pixels'],
    ['longest_edge', 'max_pixels'],
  ] as const) {
    const v = size[edge];
    if (v === undefined || v === null)
      throw new Error(
        `preprocessor_config.json: size has no ${edge} (nor is ${alt} given); transformers needs both shortest_edge and longest_edge, got size ${JSON.stringify(cfg.size)}`,
      );
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new Error(`preprocessor_config.json: ${cfg[alt] !== undefined && cfg[alt] !== null ? alt : `size.${edge}`} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return {
    patchSize: configInt(cfg, 'patch_size', d.patchSize),
    mergeSize: configInt(cfg, 'merge_size', d.mergeSize),
    minPixels: size.shortest_edge as number,
    maxPixels: size.longest_edge as number,
  };
}
