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
import { concatFloat, floatTensor, type FloatData, int64, joinCaches } from './tensors';
import { type SamplingOptions, sample, seededRandom } from './sampler';
import type { OnnxVlm } from './vlmModel';

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
  const src =
    (vlm.embedType === 'float16') === (features.type === 'float16')
      ? (features.data as FloatData)
      : vlm.embedType === 'float16'
        ? halfArray(features.data as Float32Array)
        : floatArray(features.data as Uint16Array);
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

/** Left padding: every row's last prompt token sits at column S-1; next[b] is where its reply's positions start. */
function leftPad(prompts: Encoded[], S: number, pad: number): { ids: number[]; mask: number[]; pos: number[]; next: number[] } {
  const B = prompts.length;
  const ids = new Array<number>(B * S).fill(pad);
  const mask = new Array<number>(B * S).fill(0);
  const pos = new Array<number>(3 * B * S).fill(1);
  const next = new Array<number>(B).fill(0);
  prompts.forEach((p, b) => {
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
  return { ids, mask, pos, next };
}

/** prefillLogitsBytes: how much memory one prefill call's full logits may take (default 1 GB). */
export async function generateBatch(
  vlm: OnnxVlm,
  reqs: GenerationRequest[],
  signal?: AbortSignal,
  o: { prefillLogitsBytes?: number } = {},
): Promise<{ results: GenerationResult[]; stats: BatchStats }> {
  const rt = ort();
  const B = reqs.length;
  const S = Math.max(...reqs.map((r) => r.prompt.inputIds.length));
  const pad = vlm.exp.padId ?? 0;
  const t0 = performance.now();
  const { ids, mask, pos, next } = leftPad(
    reqs.map((r) => r.prompt),
    S,
    pad,
  );
  const embeds = await embed(vlm, ids, B, S);
  const hidden = embeds.length / (B * S);
  const features = await imageFeatures(
    vlm,
    reqs.map((r) => r.prompt),
  );
  if (features) placeImages(vlm, embeds, ids, features, hidden);

  const { heads, headDim, type: kvType } = vlm.kv;
  // The prefill's past: empty, for n rows.
  const empty = (n: number): Record<string, Ort.Tensor> => {
    const cache: Record<string, Ort.Tensor> = {};
    for (let l = 0; l < vlm.exp.numLayers; l++) {
      for (const kind of ['key', 'value']) cache[`past_key_values.${l}.${kind}`] = floatTensor(kvType, new Float32Array(0), [n, heads, 0, headDim]);
    }
    return cache;
  };
  // The attention mask as the graph takes it, grown by one column per generated token.
  let attn = BigInt64Array.from(mask, (m) => BigInt(m));
  const L = vlm.exp.numLayers;
  // One decoder call for rows [b0, b1): each row's last-position logits (float32) and the cache it returns.
  const run = async (b0: number, b1: number, inputsEmbeds: FloatData, len: number, positions: number[], first: boolean, cache: Record<string, Ort.Tensor>) => {
    const n = b1 - b0;
    const W = attn.length / B;
    const feeds: Record<string, Ort.Tensor> = {
      inputs_embeds: floatTensor(vlm.embedType, inputsEmbeds.subarray(b0 * len * hidden, b1 * len * hidden), [n, len, hidden]),
      attention_mask: int64(attn.subarray(b0 * W, b1 * W), [n, W]),
      ...cache,
    };
    if (vlm.hasPositionIds)
      feeds.position_ids = int64(
        [0, 1, 2].flatMap((a) => positions.slice((a * B + b0) * len, (a * B + b1) * len)),
        [3, n, len],
      );
    if (vlm.logitsToKeep) feeds[vlm.logitsToKeep] = new rt.Tensor('int64', BigInt64Array.from([1n]), []);
    if (vlm.useCacheBranch) feeds.use_cache_branch = new rt.Tensor('bool', Uint8Array.from([first ? 0 : 1]), [1]);
    const out = await vlm.decoder.session.run(feeds);
    const logits = out.logits!;
    const [, T, V] = logits.dims as [number, number, number];
    // Only each row's last position matters; only it is converted.
    const last = new Float32Array(n * V);
    for (let b = 0; b < n; b++) {
      const row = (logits.data as FloatData).subarray((b * T + T - 1) * V, (b * T + T) * V);
      last.set(row instanceof Uint16Array ? floatArray(row) : row, b * V);
    }
    return { last, out };
  };
  const presents = (out: Ort.InferenceSession.OnnxValueMapType): Record<string, Ort.Tensor> => {
    const next: Record<string, Ort.Tensor> = {};
    for (let l = 0; l < L; l++) for (const kind of ['key', 'value']) next[`past_key_values.${l}.${kind}`] = out[`present.${l}.${kind}`]!;
    return next;
  };

  // Prefill. Without a logits-to-keep input the graph returns every position's logits: rows go
  // through in groups that keep those under the budget, and their caches are joined along the batch.
  const vocab = Number((vlm.exp.config.text_config as { vocab_size?: number } | undefined)?.vocab_size ?? vlm.exp.config.vocab_size ?? 0);
  const group = vlm.logitsToKeep || !vocab ? B : Math.max(1, Math.floor((o.prefillLogitsBytes ?? 1e9) / (S * vocab * 4)));
  const parts: { last: Float32Array; cache: Record<string, Ort.Tensor> }[] = [];
  for (let b0 = 0; b0 < B; b0 += group) {
    const b1 = Math.min(B, b0 + group);
    const r = await run(b0, b1, embeds, S, pos, true, empty(b1 - b0));
    parts.push({ last: r.last, cache: presents(r.out) });
  }
  let past = parts.length === 1 ? parts[0]!.cache : joinCaches(parts.map((p) => p.cache));
  let logits = parts.length === 1 ? parts[0]!.last : concatFloat(parts.map((p) => p.last));
  const rands = reqs.map((r) => seededRandom(r.seed));
  const stop = new Set(vlm.exp.eosIds);
  const results: GenerationResult[] = reqs.map(() => ({ tokens: [], finish: 'length' }));
  const done = new Array<boolean>(B).fill(false);
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
    const grown = new BigInt64Array(B * (width + 1)).fill(1n);
    for (let b = 0; b < B; b++) grown.set(attn.subarray(b * width, (b + 1) * width), b * (width + 1));
    attn = grown;
    const stepPos = new Array<number>(3 * B);
    for (let a = 0; a < 3; a++) for (let b = 0; b < B; b++) stepPos[a * B + b] = next[b]! + step;
    const r = await run(0, B, await embed(vlm, chosen, B, 1), 1, stepPos, false, past);
    logits = r.last;
    past = presents(r.out);
  }
  const tEnd = performance.now();
  return {
    results,
    stats: { batch: B, promptTokens: reqs.reduce((n, r) => n + r.prompt.inputIds.length, 0), newTokens, prefillMs: tPrefill - t0, decodeMs: tEnd - tPrefill },
  };
}
