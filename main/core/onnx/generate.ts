// Batched generation with an ONNX Qwen-VL: one vision pass for every image of
// the batch, prompts left-padded into one prefill, then one token per row per
// decoder call with the key/value cache fed back (the prompt is never
// recomputed). Rows that finished keep a place in the batch (their tokens are
// ignored) so the cache stays rectangular.
import type * as Ort from 'onnxruntime-node';
import { type Encoded, imagesOf } from '../model/encode';
import { CancelledError } from '../util/errors';
import { floatArray, halfArray } from './half';
import { ort } from './ort';
import { type SamplingOptions, sample, seededRandom } from './sampler';
import type { FloatType, OnnxVlm } from './vlmModel';

export interface GenerationRequest extends SamplingOptions {
  prompt: Encoded;
  maxNewTokens: number;
  seed: number;
}

export interface GenerationResult {
  tokens: number[];
  finish: 'stop' | 'length';
}

export interface BatchStats {
  batch: number;
  promptTokens: number;
  newTokens: number;
  prefillMs: number;
  decodeMs: number;
}

type FloatData = Float32Array | Uint16Array;

function floatTensor(type: FloatType, data: Float32Array | FloatData, dims: number[]): Ort.Tensor {
  const rt = ort();
  if (type === 'float16') return new rt.Tensor('float16', data instanceof Uint16Array ? data : halfArray(data), dims);
  return new rt.Tensor('float32', data instanceof Float32Array ? data : floatArray(data), dims);
}

function int64(values: ArrayLike<number>, dims: number[]): Ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new (ort().Tensor)('int64', data, dims);
}

function asFloat32(t: Ort.Tensor): Float32Array {
  return t.type === 'float16' ? floatArray(t.data as Uint16Array) : (t.data as Float32Array);
}

/** Image features for every image of the batch, rows in prompt order. */
async function imageFeatures(vlm: OnnxVlm, prompts: Encoded[]): Promise<Ort.Tensor | null> {
  const { pixelValues, imageGrids } = imagesOf(prompts);
  if (!pixelValues || !imageGrids) return null;
  let rows = 0;
  for (let i = 0; i < imageGrids.length; i += 3) rows += imageGrids[i]! * imageGrids[i + 1]! * imageGrids[i + 2]!;
  const out = await vlm.vision.session.run({
    pixel_values: floatTensor(vlm.pixelType, pixelValues, [rows, pixelValues.length / rows]),
    [vlm.gridInput]: int64(imageGrids, [imageGrids.length / 3, 3]),
  });
  return out.image_features!;
}

async function embed(vlm: OnnxVlm, ids: number[], B: number, S: number): Promise<FloatData> {
  const out = await vlm.embed.session.run({ input_ids: int64(ids, [B, S]) });
  const e = out.inputs_embeds!;
  const data = e.data as FloatData;
  // The decoder's element type decides: convert when the embedding graph's differs.
  if (vlm.embedType === 'float16') return e.type === 'float16' ? data : halfArray(data);
  return e.type === 'float16' ? floatArray(data as Uint16Array) : data;
}

/** Writes image feature rows over the image-pad positions, in order. */
function placeImages(vlm: OnnxVlm, embeds: FloatData, ids: number[], features: Ort.Tensor, hidden: number): void {
  const src = (vlm.embedType === 'float16') === (features.type === 'float16') ? (features.data as FloatData) : vlm.embedType === 'float16' ? halfArray(features.data as Float32Array) : floatArray(features.data as Uint16Array);
  const rows = src.length / hidden;
  let row = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== vlm.exp.imageTokenId) continue;
    if (row >= rows) throw new Error(`the prompts hold more image tokens than the vision encoder gave features (${rows})`);
    embeds.set(src.subarray(row * hidden, (row + 1) * hidden), i * hidden);
    row++;
  }
  if (row !== rows) throw new Error(`the vision encoder gave ${rows} feature rows but the prompts hold ${row} image tokens`);
}

export async function generateBatch(vlm: OnnxVlm, reqs: GenerationRequest[], signal?: AbortSignal): Promise<{ results: GenerationResult[]; stats: BatchStats }> {
  const rt = ort();
  const B = reqs.length;
  const S = Math.max(...reqs.map((r) => r.prompt.inputIds.length));
  const pad = vlm.exp.padId ?? 0;
  const t0 = performance.now();
  // Left padding: every row's last prompt token sits at column S-1.
  const ids = new Array<number>(B * S).fill(pad);
  const mask = new Array<number>(B * S).fill(0);
  const pos = new Array<number>(3 * B * S).fill(1);
  const next = new Array<number>(B).fill(0);
  reqs.forEach((r, b) => {
    const p = r.prompt;
    const off = S - p.inputIds.length;
    let max = -1;
    p.inputIds.forEach((id, i) => {
      ids[b * S + off + i] = id;
      mask[b * S + off + i] = 1;
      for (let a = 0; a < 3; a++) {
        const v = p.positions[a]![i]!;
        pos[a * B * S + b * S + off + i] = v;
        max = Math.max(max, v);
      }
    });
    next[b] = max + 1; // text after the prompt continues past its largest position
  });
  const embeds = await embed(vlm, ids, B, S);
  const hidden = embeds.length / (B * S);
  const features = await imageFeatures(vlm, reqs.map((r) => r.prompt));
  if (features) placeImages(vlm, embeds, ids, features, hidden);

  const { heads, headDim, type: kvType } = vlm.kv;
  let past: Record<string, Ort.Tensor> = {};
  for (let l = 0; l < vlm.exp.numLayers; l++) {
    for (const kind of ['key', 'value']) past[`past_key_values.${l}.${kind}`] = floatTensor(kvType, new Float32Array(0), [B, heads, 0, headDim]);
  }
  let attn = mask;
  const run = async (inputsEmbeds: FloatData, len: number, positions: number[], first: boolean): Promise<Float32Array> => {
    const feeds: Record<string, Ort.Tensor> = { inputs_embeds: floatTensor(vlm.embedType, inputsEmbeds, [B, len, hidden]), attention_mask: int64(attn, [B, attn.length / B]), ...past };
    if (vlm.hasPositionIds) feeds.position_ids = int64(positions, [3, B, len]);
    if (vlm.logitsToKeep) feeds[vlm.logitsToKeep] = new rt.Tensor('int64', BigInt64Array.from([1n]), []);
    if (vlm.useCacheBranch) feeds.use_cache_branch = new rt.Tensor('bool', Uint8Array.from([first ? 0 : 1]), [1]);
    const out = await vlm.decoder.session.run(feeds);
    past = {};
    for (let l = 0; l < vlm.exp.numLayers; l++) {
      past[`past_key_values.${l}.key`] = out[`present.${l}.key`]!;
      past[`past_key_values.${l}.value`] = out[`present.${l}.value`]!;
    }
    const logits = out.logits!;
    const [, L, V] = logits.dims as [number, number, number];
    // Only each row's last position matters.
    const all = asFloat32(logits);
    const last = new Float32Array(B * V);
    for (let b = 0; b < B; b++) last.set(all.subarray((b * L + L - 1) * V, (b * L + L) * V), b * V);
    return last;
  };

  const rands = reqs.map((r) => seededRandom(r.seed));
  const stop = new Set(vlm.exp.eosIds);
  const results: GenerationResult[] = reqs.map(() => ({ tokens: [], finish: 'length' }));
  const done = new Array<boolean>(B).fill(false);
  let logits = await run(embeds, S, pos, true);
  const tPrefill = performance.now();
  const maxNew = Math.max(...reqs.map((r) => r.maxNewTokens));
  let newTokens = 0;
  for (let step = 0; step < maxNew; step++) {
    const V = logits.length / B;
    const chosen = new Array<number>(B).fill(pad);
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const tok = sample(logits, b * V, V, reqs[b]!, rands[b]!);
      chosen[b] = tok;
      newTokens++;
      if (stop.has(tok)) {
        done[b] = true;
        results[b]!.finish = 'stop';
      } else {
        results[b]!.tokens.push(tok);
        if (results[b]!.tokens.length >= reqs[b]!.maxNewTokens) done[b] = true;
      }
    }
    if (done.every(Boolean)) break;
    if (signal?.aborted) throw new CancelledError();
    const width = attn.length / B;
    const grown = new Array<number>(B * (width + 1));
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < width; i++) grown[b * (width + 1) + i] = attn[b * width + i]!;
      grown[b * (width + 1) + width] = 1;
    }
    attn = grown;
    const stepPos = new Array<number>(3 * B);
    for (let a = 0; a < 3; a++) for (let b = 0; b < B; b++) stepPos[a * B + b] = next[b]! + step;
    logits = await run(await embed(vlm, chosen, B, 1), 1, stepPos, false);
  }
  const tEnd = performance.now();
  return {
    results,
    stats: { batch: B, promptTokens: reqs.reduce((n, r) => n + r.prompt.inputIds.length, 0), newTokens, prefillMs: tPrefill - t0, decodeMs: tEnd - tPrefill },
  };
}
