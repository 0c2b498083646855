// A tiny random-weight Qwen3-VL model folder in the layout the ONNX community
// publishes for transformers.js (config/tokenizer/processor JSON next to
// onnx/vision_encoder, embed_tokens and decoder_model_merged), with the same
// input and output names, so the local ONNX runtime is tested on the files it
// will meet. The vision tower is cut down to patch linear → GELU → 2×2 merge →
// RMSNorm → linear; the text decoder is the real Qwen3-VL one (GQA, q/k norm,
// interleaved mrope, SwiGLU). tinyOnnxReference.ts computes the same network.
// Variants: fp32; fp16 (half weights and float I/O); int8 (linears in int8
// with per-channel scales, DequantizeLinear before each MatMul) and q4 (4-bit
// block linears, onnxruntime's com.microsoft MatMulNBits), both float32 I/O.
// Big graphs keep their weights as ONNX external data (<graph>.onnx_data, as
// transformers.js exports do), and with keepWeights off the random weights go
// to disk a chunk at a time, so a 2B-parameter export is written in little memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../checkpoints';
import { QWEN_VL_STYLE_TEMPLATE, specialId, tinyTokenizerJson } from '../tokenizer';
import { ExternalData, type Fill, Graph } from './graph';
import { DataType, type ElemType, fromFp16, toFp16 } from './proto';
import { type Int8Weight, type Q4Weight, quantizeInt8, quantizeQ4 } from './quantize';

export type OnnxVariant = 'fp32' | 'fp16' | 'int8' | 'q4';
/** The file-name suffix of each variant's graphs (transformers.js' names). */
const SUFFIX: Record<OnnxVariant, string> = { fp32: '', fp16: '_fp16', int8: '_int8', q4: '_q4' };

export interface TinyOnnxDims {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  visionHidden: number;
  rmsEps: number;
  ropeTheta: number;
  /** (t, h, w) frequency counts; they sum to headDim / 2. */
  mropeSection: [number, number, number];
}

export const TINY_ONNX: TinyOnnxDims = {
  hidden: 64,
  intermediate: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  vocab: 320,
  visionHidden: 32,
  // A small theta keeps every frequency turning at short positions, so each mrope axis shows in the logits.
  rmsEps: 1e-6,
  ropeTheta: 10000,
  mropeSection: [3, 3, 2],
};

/** The vision side's fixed geometry (Qwen3-VL's). */
export const PATCH = 16;
export const MERGE = 2;
export const TEMPORAL = 2;
export const PATCH_DIM = 3 * TEMPORAL * PATCH * PATCH;

export interface TinyOnnxIds {
  image: number;
  video: number;
  visionStart: number;
  visionEnd: number;
  imEnd: number;
  endOfText: number;
  pad: number;
  eos: number[];
}

/**
 * The network as numbers: linear weights are [in, out] row-major (the MatMul
 * layout the graphs store), embed_tokens.weight is [vocab, hidden], norms and
 * biases are vectors. Names are those listed by weightShapes().
 */
export interface TinyOnnxNet {
  dims: TinyOnnxDims;
  ids: TinyOnnxIds;
  weights: Record<string, Float32Array>;
}

export interface TinyOnnxFiles {
  visionEncoder: string;
  embedTokens: string;
  decoder: string;
}

/** `weights` and `variantWeights` are empty when the model was written with keepWeights off. */
export interface TinyOnnxInfo extends TinyOnnxNet {
  dir: string;
  files: Partial<Record<OnnxVariant, TinyOnnxFiles>>;
  /** Per written variant, the float weights its graphs compute with (`weights` stays the fp32 ones); see variantNet(). */
  variantWeights: Partial<Record<OnnxVariant, Record<string, Float32Array>>>;
}

export interface TinyOnnxOptions {
  seed?: number;
  variants?: OnnxVariant[];
  dims?: Partial<TinyOnnxDims>;
  /** Weights in <graph>.onnx_data beside each graph; by default only for graphs whose weights pass EXTERNAL_ABOVE. */
  externalData?: boolean;
  /**
   * Off: weights are drawn a chunk at a time straight into the files and none are returned (no reference), for
   * models too big to hold in memory; the files are the same. fp32 and fp16 only (quantising needs whole weights).
   */
  keepWeights?: boolean;
}

/** Graph weight bytes above which the weights go to external data by default (protobuf's limit is 2 GB). */
export const EXTERNAL_ABOVE = 1.5 * 2 ** 30;

/** Every weight's name and shape. */
export function weightShapes(d: TinyOnnxDims): [string, number[]][] {
  const vh = d.visionHidden;
  const out: [string, number[]][] = [
    ['visual.patch.weight', [PATCH_DIM, vh]],
    ['visual.patch.bias', [vh]],
    ['visual.merge_norm.weight', [4 * vh]],
    ['visual.proj.weight', [4 * vh, d.hidden]],
    ['visual.proj.bias', [d.hidden]],
    ['embed_tokens.weight', [d.vocab, d.hidden]],
  ];
  for (let i = 0; i < d.layers; i++) {
    const p = `layers.${i}`;
    out.push(
      [`${p}.input_norm.weight`, [d.hidden]],
      [`${p}.q_proj.weight`, [d.hidden, d.heads * d.headDim]],
      [`${p}.k_proj.weight`, [d.hidden, d.kvHeads * d.headDim]],
      [`${p}.v_proj.weight`, [d.hidden, d.kvHeads * d.headDim]],
      [`${p}.o_proj.weight`, [d.heads * d.headDim, d.hidden]],
      [`${p}.q_norm.weight`, [d.headDim]],
      [`${p}.k_norm.weight`, [d.headDim]],
      [`${p}.post_norm.weight`, [d.hidden]],
      [`${p}.gate_proj.weight`, [d.hidden, d.intermediate]],
      [`${p}.up_proj.weight`, [d.hidden, d.intermediate]],
      [`${p}.down_proj.weight`, [d.intermediate, d.hidden]],
    );
  }
  out.push(['norm.weight', [d.hidden]], ['lm_head.weight', [d.hidden, d.vocab]]);
  return out;
}

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Each weight's random values as a fresh Fill. Activations keep their scale: norms near 1, linears ±√(3/fan_in),
 * embeddings ±0.5, small biases. The values are one seeded sequence taken in weightShapes() order; mulberry32's
 * state moves by a constant a draw, so each weight's generator starts at its own offset and any weight can be
 * drawn alone, in any order.
 */
function weightFills(d: TinyOnnxDims, seed: number): Map<string, () => Fill> {
  const fills = new Map<string, () => Fill>();
  let offset = 0;
  for (const [name, dims] of weightShapes(d)) {
    const norm = name.includes('norm');
    const base = norm ? 1 : 0;
    const scale = norm ? 0.1 : name.endsWith('.bias') ? 0.02 : name.startsWith('embed') ? 0.5 : Math.sqrt(3 / dims[0]!);
    const start = (seed + Math.imul(offset, 0x6d2b79f5)) >>> 0;
    fills.set(name, () => {
      const rand = rng(start);
      return (out) => {
        for (let i = 0; i < out.length; i++) out[i] = base + (rand() * 2 - 1) * scale;
      };
    });
    offset += count(dims);
  }
  return fills;
}

function randomWeights(fills: Map<string, () => Fill>, shapes: Map<string, number[]>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, dims] of shapes) {
    const w = new Float32Array(count(dims));
    fills.get(name)!()(w);
    out[name] = w;
  }
  return out;
}

/** Which position axis (0 t, 1 h, 2 w) rotary frequency j reads: Qwen3-VL's interleaved mrope. */
export function mropeAxis(j: number, section: [number, number, number]): 0 | 1 | 2 {
  if (j % 3 === 1 && j < 3 * section[1]) return 1;
  if (j % 3 === 2 && j < 3 * section[2]) return 2;
  return 0;
}

/** A linear weight as a quantised variant stores it. */
type Quantised = { kind: 'int8'; w: Int8Weight } | { kind: 'q4'; w: Q4Weight };

/** Linear weights: the 2-D ones but the embedding table, which a Gather reads. */
const isLinear = (name: string, dims: number[]) => dims.length === 2 && name !== 'embed_tokens.weight';

/**
 * How a variant stores its linear weights, and the float weights its graphs compute with (what the reference
 * uses): fp32 the weights, fp16 their half roundings, int8 and q4 the dequantised linears beside the float rest
 * (embeddings, norms and biases stay float32 there). q4's vision linears keep explicit zero points, the decoder's
 * use MatMulNBits' default 8, so both forms of the op are run.
 */
function storeVariant(variant: OnnxVariant, weights: Record<string, Float32Array>, shapes: Map<string, number[]>) {
  const quant = new Map<string, Quantised>();
  if (variant === 'fp32') return { quant, reference: weights };
  if (variant === 'fp16') return { quant, reference: Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, w.map((x) => fromFp16(toFp16(x)))])) };
  const reference = { ...weights };
  for (const [name, dims] of shapes) {
    if (!isLinear(name, dims)) continue;
    const w = weights[name]!;
    const q: Quantised =
      variant === 'int8' ? { kind: 'int8', w: quantizeInt8(w, dims[0]!) } : { kind: 'q4', w: quantizeQ4(w, dims[0]!, { symmetric: !name.startsWith('visual.') }) };
    quant.set(name, q);
    reference[name] = q.w.dequantised;
  }
  return { quant, reference };
}

/** The network a variant's graphs compute: the info with that variant's weights. */
export function variantNet(info: TinyOnnxInfo, variant: OnnxVariant): TinyOnnxNet {
  const weights = info.variantWeights[variant];
  if (!weights) throw new Error(`${info.dir}: no ${variant} graphs were written`);
  return { dims: info.dims, ids: info.ids, weights };
}

/**
 * Graph-building helpers for one variant: fp16 keeps weights and float I/O in half, computes in float32;
 * int8 and q4 read their linears from `quant`, float32 elsewhere.
 */
class Builder {
  readonly g: Graph;
  readonly io: ElemType;
  private added = new Set<string>();

  constructor(
    name: string,
    readonly variant: OnnxVariant,
    private weight: (name: string) => Float32Array | Fill | undefined,
    private shapes: Map<string, number[]>,
    private quant: Map<string, Quantised>,
    external?: ExternalData,
  ) {
    this.g = new Graph(name, { external });
    this.io = variant === 'fp16' ? DataType.FLOAT16 : DataType.FLOAT;
  }

  /** A weight as a float32 value. */
  w(name: string): string {
    const stored = this.stored(name);
    return this.variant === 'fp16' ? this.g.op('Cast', [stored], { to: DataType.FLOAT }) : stored;
  }

  /** A weight as stored (io precision); each is one initializer however often it is used. */
  stored(name: string): string {
    if (this.added.has(name)) return name;
    this.added.add(name);
    const data = this.weight(name);
    const dims = this.shapes.get(name);
    if (!data || !dims) throw new Error(`no weight ${name}`);
    return this.g.init(name, data, dims, this.io);
  }

  /** A float graph input, as a float32 value. */
  floatIn(name: string, dims: (number | string)[]): string {
    this.g.input(name, this.io, dims);
    return this.variant === 'fp16' ? this.g.op('Cast', [name], { to: DataType.FLOAT }) : name;
  }

  /** A float32 value as a float graph output. */
  floatOut(name: string, dims: (number | string)[], value: string): void {
    if (this.variant === 'fp16') this.g.output(name, this.io, dims, this.g.op('Cast', [value], { to: DataType.FLOAT16 }));
    else this.g.output(name, this.io, dims, value);
  }

  linear(x: string, w: string, b?: string): string {
    const q = this.quant.get(w);
    const y = q?.kind === 'q4' ? this.matMulNBits(x, w, q.w) : this.g.op('MatMul', [x, q ? this.dequantized(w, q.w) : this.w(w)]);
    return b ? this.g.op('Add', [y, this.w(b)]) : y;
  }

  /** int8 codes [in, out] → float32, one scale per output channel (axis 1), zero point 0. */
  private dequantized(name: string, q: Int8Weight): string {
    const g = this.g;
    const [inn, out] = this.shapes.get(name)!;
    const codes = g.init(`${name}_quantized`, q.q, [inn!, out!], DataType.INT8);
    const zero = g.init(`${name}_zero_point`, new Int8Array(out!), [out!], DataType.INT8);
    return g.op('DequantizeLinear', [codes, g.init(`${name}_scale`, q.scale, [out!]), zero], { axis: 1 });
  }

  /** x · w with w in 4-bit blocks: onnxruntime's com.microsoft MatMulNBits (layouts in quantize.ts). */
  private matMulNBits(x: string, name: string, q: Q4Weight): string {
    const g = this.g;
    const inputs = [x, g.init(`${name}_Q4`, q.packed, [q.N, q.kBlocks, q.blockSize / 2], DataType.UINT8), g.init(`${name}_scales`, q.scales, [q.N * q.kBlocks])];
    if (q.zeroPoints) inputs.push(g.init(`${name}_zero_points`, q.zeroPoints, [q.zeroPoints.length], DataType.UINT8));
    return g.domainOp('com.microsoft', 1, 'MatMulNBits', inputs, { K: q.K, N: q.N, bits: 4, block_size: q.blockSize });
  }

  /** x / sqrt(mean(x², last axis) + eps) · w */
  rmsNorm(x: string, w: string, eps: number): string {
    const g = this.g;
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, g.scalar(eps)])])]);
    return g.op('Mul', [g.op('Mul', [x, inv]), this.w(w)]);
  }

  toBytes(): Uint8Array {
    return this.g.toBytes();
  }
}

function visionEncoder(b: Builder, d: TinyOnnxDims): Uint8Array {
  const g = b.g;
  const vh = d.visionHidden;
  const pixels = b.floatIn('pixel_values', ['num_patches', PATCH_DIM]);
  const grid = g.input('grid_thw', DataType.INT64, ['num_images', 3]);
  const x = b.linear(pixels, 'visual.patch.weight', 'visual.patch.bias');
  // GELU, tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
  const gelu = g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalar(1)])]);
  // Rows arrive in merge order, so each 4 consecutive rows are one merged token: Σ t·h·w / 4 of them,
  // counted from grid_thw with the width left to Reshape, so a grid that disagrees with the pixel rows
  // gives a width the norm weight cannot broadcast with (ORT's optimiser drops a fully given shape's check).
  const patches = g.op('ReduceSum', [g.op('ReduceProd', [grid], { axes: [1], keepdims: 0 })], { keepdims: 1 });
  const tokens = g.op('Div', [patches, g.ints([MERGE * MERGE])]);
  const merged = g.op('Reshape', [gelu, g.op('Concat', [tokens, g.ints([-1])], { axis: 0 })]);
  const y = b.linear(b.rmsNorm(merged, 'visual.merge_norm.weight', d.rmsEps), 'visual.proj.weight', 'visual.proj.bias');
  b.floatOut('image_features', ['num_image_tokens', d.hidden], y);
  return b.toBytes();
}

function embedTokens(b: Builder, d: TinyOnnxDims): Uint8Array {
  const ids = b.g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  b.g.op('Gather', [b.stored('embed_tokens.weight'), ids], { axis: 0 }, 'inputs_embeds');
  b.g.output('inputs_embeds', b.io, ['batch_size', 'sequence_length', d.hidden]);
  return b.toBytes();
}

function decoder(b: Builder, d: TinyOnnxDims): Uint8Array {
  const g = b.g;
  const { hidden: H, heads: nh, kvHeads: nkv, headDim: hd } = d;
  let x = b.floatIn('inputs_embeds', ['batch_size', 'sequence_length', H]);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'total_sequence_length']);
  const pos = g.input('position_ids', DataType.INT64, [3, 'batch_size', 'sequence_length']);
  const past: [string, string][] = [];
  for (let i = 0; i < d.layers; i++) {
    const dims = ['batch_size', nkv, 'past_sequence_length', hd];
    past.push([b.floatIn(`past_key_values.${i}.key`, dims), b.floatIn(`past_key_values.${i}.value`, dims)]);
  }

  // Rotary angles [B, 1, S, hd]: frequency j turns with position axis mropeAxis(j); halves repeat (rotate_half layout).
  const half = hd / 2;
  const axes = Array.from({ length: half }, (_, j) => mropeAxis(j, d.mropeSection));
  const invFreq = g.init(
    'inv_freq',
    Array.from({ length: half }, (_, j) => d.ropeTheta ** ((-2 * j) / hd)),
    [half],
  );
  const perFreq = g.op('Cast', [g.op('Gather', [pos, g.ints(axes)], { axis: 0 })], { to: DataType.FLOAT }); // [half, B, S]
  const freqs = g.op('Mul', [g.op('Transpose', [perFreq], { perm: [1, 2, 0] }), invFreq]);
  const angles = g.op('Concat', [freqs, freqs], { axis: -1 });
  const cos = g.op('Unsqueeze', [g.op('Cos', [angles]), g.ints([1])]);
  const sin = g.op('Unsqueeze', [g.op('Sin', [angles]), g.ints([1])]);
  const rope = (t: string): string => {
    const slice = (a: number, z: number) => g.op('Slice', [t, g.ints([a]), g.ints([z]), g.ints([-1])]);
    const rotated = g.op('Concat', [g.op('Neg', [slice(half, hd)]), slice(0, half)], { axis: -1 });
    return g.op('Add', [g.op('Mul', [t, cos]), g.op('Mul', [rotated, sin])]);
  };

  // Additive mask [B, 1, S, T]: key j is visible to query i when j ≤ past + i and attention_mask[b, j] = 1.
  // Large but finite, so a fully masked (padding) row still softmaxes to numbers.
  const total = g.op('Gather', [g.op('Shape', [mask]), g.ints(1)], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', [x]), g.ints(1)], { axis: 0 });
  const keyIdx = g.op('Range', [g.ints(0), total, g.ints(1)]);
  const queryIdx = g.op('Add', [g.op('Range', [g.ints(0), seq, g.ints(1)]), g.op('Sub', [total, seq])]);
  const causal = g.op('LessOrEqual', [keyIdx, g.op('Unsqueeze', [queryIdx, g.ints([1])])]);
  const keep = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DataType.BOOL }), g.ints([1, 2])]);
  const bias = g.op('Where', [g.op('And', [causal, keep]), g.scalar(0), g.scalar(-1e9)]);

  const splitHeads = (t: string, n: number) => g.op('Reshape', [t, g.ints([0, 0, n, hd])]);
  const toBHSD = (t: string) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] });
  // GQA: kv head k serves query heads k·rep … k·rep + rep − 1.
  const presents: [string, string][] = [];
  const repeatKv = (t: string) => g.op('Reshape', [g.op('Expand', [g.op('Unsqueeze', [t, g.ints([2])]), g.ints([1, 1, nh / nkv, 1, 1])]), g.ints([0, nh, -1, hd])]);
  for (let i = 0; i < d.layers; i++) {
    const p = `layers.${i}`;
    const h = b.rmsNorm(x, `${p}.input_norm.weight`, d.rmsEps);
    const q = rope(toBHSD(b.rmsNorm(splitHeads(b.linear(h, `${p}.q_proj.weight`), nh), `${p}.q_norm.weight`, d.rmsEps)));
    const k = rope(toBHSD(b.rmsNorm(splitHeads(b.linear(h, `${p}.k_proj.weight`), nkv), `${p}.k_norm.weight`, d.rmsEps)));
    const v = toBHSD(splitHeads(b.linear(h, `${p}.v_proj.weight`), nkv));
    const [pastK, pastV] = past[i]!;
    const keys = g.op('Concat', [pastK, k], { axis: 2 });
    const values = g.op('Concat', [pastV, v], { axis: 2 });
    presents.push([`present.${i}.key`, keys], [`present.${i}.value`, values]);
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [repeatKv(keys)], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(hd))]);
    const probs = g.op('Softmax', [g.op('Add', [scores, bias])], { axis: -1 });
    const ctx = g.op('Reshape', [toBHSD(g.op('MatMul', [probs, repeatKv(values)])), g.ints([0, 0, nh * hd])]);
    x = g.op('Add', [x, b.linear(ctx, `${p}.o_proj.weight`)]);
    const h2 = b.rmsNorm(x, `${p}.post_norm.weight`, d.rmsEps);
    const gate = b.linear(h2, `${p}.gate_proj.weight`);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), b.linear(h2, `${p}.up_proj.weight`)]);
    x = g.op('Add', [x, b.linear(act, `${p}.down_proj.weight`)]);
  }
  // Outputs in the exported order: logits, then present.{i}.key/value.
  b.floatOut('logits', ['batch_size', 'sequence_length', d.vocab], b.linear(b.rmsNorm(x, 'norm.weight', d.rmsEps), 'lm_head.weight'));
  for (const [name, value] of presents) b.floatOut(name, ['batch_size', nkv, 'total_sequence_length', hd], value);
  return b.toBytes();
}

function tinyIds(): TinyOnnxIds {
  const imEnd = specialId('<|im_end|>');
  const endOfText = specialId('<|endoftext|>');
  return {
    image: specialId('<|image_pad|>'),
    video: specialId('<|video_pad|>'),
    visionStart: specialId('<|vision_start|>'),
    visionEnd: specialId('<|vision_end|>'),
    imEnd,
    endOfText,
    pad: endOfText,
    eos: [imEnd, endOfText],
  };
}

/**
 * Pixel limits: 64×64 to 128×64 pixels, so a 256×256 frame shrinks to 64×64 (grid [1, 4, 4], 4 image tokens)
 * and small frames grow to at least four merged tokens.
 */
export const TINY_MIN_PIXELS = 32 * 32 * 4;
export const TINY_MAX_PIXELS = 64 * 64 * 2;

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2));
}

function writeConfigs(dir: string, d: TinyOnnxDims, ids: TinyOnnxIds): void {
  writeJson(join(dir, 'config.json'), {
    architectures: ['Qwen3VLForConditionalGeneration'],
    model_type: 'qwen3_vl',
    image_token_id: ids.image,
    video_token_id: ids.video,
    vision_start_token_id: ids.visionStart,
    vision_end_token_id: ids.visionEnd,
    tie_word_embeddings: false,
    text_config: {
      model_type: 'qwen3_vl_text',
      hidden_size: d.hidden,
      intermediate_size: d.intermediate,
      num_hidden_layers: d.layers,
      num_attention_heads: d.heads,
      num_key_value_heads: d.kvHeads,
      head_dim: d.headDim,
      vocab_size: d.vocab,
      rms_norm_eps: d.rmsEps,
      rope_theta: d.ropeTheta,
      max_position_embeddings: 4096,
      hidden_act: 'silu',
      attention_bias: false,
      tie_word_embeddings: false,
      rope_scaling: { rope_type: 'default', mrope_section: d.mropeSection, mrope_interleaved: true },
    },
    vision_config: {
      model_type: 'qwen3_vl',
      hidden_size: d.visionHidden,
      out_hidden_size: d.hidden,
      in_channels: 3,
      patch_size: PATCH,
      spatial_merge_size: MERGE,
      temporal_patch_size: TEMPORAL,
      hidden_act: 'gelu_pytorch_tanh',
    },
    'transformers.js_config': { dtype: 'fp32' },
  });
  writeJson(join(dir, 'generation_config.json'), { bos_token_id: ids.endOfText, eos_token_id: ids.eos, pad_token_id: ids.pad });
  writeJson(join(dir, 'tokenizer.json'), tinyTokenizerJson());
  writeJson(join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'Qwen2Tokenizer',
    model_max_length: 4096,
    chat_template: QWEN_VL_STYLE_TEMPLATE,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
  });
  writeJson(join(dir, 'preprocessor_config.json'), {
    image_processor_type: 'Qwen2VLImageProcessorFast',
    processor_class: 'Qwen3VLProcessor',
    do_resize: true,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    do_convert_rgb: true,
    image_mean: [0.5, 0.5, 0.5],
    image_std: [0.5, 0.5, 0.5],
    patch_size: PATCH,
    merge_size: MERGE,
    temporal_patch_size: TEMPORAL,
    min_pixels: TINY_MIN_PIXELS,
    max_pixels: TINY_MAX_PIXELS,
    size: { shortest_edge: TINY_MIN_PIXELS, longest_edge: TINY_MAX_PIXELS },
  });
}

/** Each graph's name (and file name, before the variant's suffix). */
const GRAPH_NAMES: Record<keyof TinyOnnxFiles, string> = { visionEncoder: 'vision_encoder', embedTokens: 'embed_tokens', decoder: 'decoder_model_merged' };

/** Which graph reads a weight. */
const graphOf = (name: string): keyof TinyOnnxFiles => (name.startsWith('visual.') ? 'visionEncoder' : name === 'embed_tokens.weight' ? 'embedTokens' : 'decoder');

/** Writes the model folder (fp32 graphs unless told) and returns what the reference needs. */
export function makeTinyOnnxModel(dir: string, opts: TinyOnnxOptions = {}): TinyOnnxInfo {
  const headDim = opts.dims?.headDim ?? TINY_ONNX.headDim;
  // Qwen3-VL's split scaled down: t gets a quarter of the frequencies less one, h and w share the rest.
  const mropeSection: [number, number, number] = [headDim / 4 - 1, headDim / 8 + 1, headDim / 8];
  const d: TinyOnnxDims = { ...TINY_ONNX, mropeSection, ...opts.dims };
  if (d.mropeSection.reduce((a, b) => a + b, 0) !== d.headDim / 2) throw new Error(`mrope_section ${d.mropeSection} must sum to head_dim / 2`);
  const keep = opts.keepWeights ?? true;
  const variants = opts.variants ?? ['fp32'];
  const quantised = variants.find((v) => v === 'int8' || v === 'q4');
  if (!keep && quantised) throw new Error(`${quantised}: quantising needs the whole weights; write it with keepWeights on`);
  const ids = tinyIds();
  const shapes = new Map(weightShapes(d));
  const fills = weightFills(d, opts.seed ?? 1);
  const weights = keep ? randomWeights(fills, shapes) : {};
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeConfigs(dir, d, ids);
  const files: TinyOnnxInfo['files'] = {};
  const variantWeights: TinyOnnxInfo['variantWeights'] = {};
  for (const variant of variants) {
    const suffix = SUFFIX[variant];
    const { quant, reference } = storeVariant(variant, weights, shapes);
    const file = (graph: keyof TinyOnnxFiles) => join(dir, 'onnx', `${GRAPH_NAMES[graph]}${suffix}.onnx`);
    const f: TinyOnnxFiles = { visionEncoder: file('visionEncoder'), embedTokens: file('embedTokens'), decoder: file('decoder') };
    // Float bytes: exact for fp32 and fp16, an upper bound for the quantised variants.
    const weightBytes = (graph: keyof TinyOnnxFiles) => [...shapes].reduce((n, [name, dims]) => n + (graphOf(name) === graph ? count(dims) * (variant === 'fp16' ? 2 : 4) : 0), 0);
    const source = (name: string) => (keep ? weights[name] : fills.get(name)?.());
    const write = (graph: keyof TinyOnnxFiles, build: (b: Builder) => Uint8Array) => {
      const external = (opts.externalData ?? weightBytes(graph) > EXTERNAL_ABOVE) ? new ExternalData(`${f[graph]}_data`) : undefined;
      try {
        writeFileSync(f[graph], build(new Builder(GRAPH_NAMES[graph], variant, source, shapes, quant, external)));
      } finally {
        external?.close();
      }
    };
    write('visionEncoder', (b) => visionEncoder(b, d));
    write('embedTokens', (b) => embedTokens(b, d));
    write('decoder', (b) => decoder(b, d));
    files[variant] = f;
    if (keep) variantWeights[variant] = reference;
  }
  return { dir, dims: d, ids, weights, files, variantWeights };
}
