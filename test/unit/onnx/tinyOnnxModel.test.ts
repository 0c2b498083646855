// The tiny transformers.js-layout Qwen3-VL folder (test/helpers/onnx) run by
// onnxruntime-node against its float64 reference: the vision encoder, a
// prefill with images, decode steps through the KV cache, and left-padded
// batches. The prompts go through the project's own template, tokenizer,
// image processor and rope index, as the local ONNX policy's will. Every
// variant is run: fp32, fp16 and the quantised int8 and q4, whose reference
// computes with the dequantised weights.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../main/core/model/chat';
import { encodePrompt, type Encoded } from '../../../main/core/model/encode';
import { imageBudget } from '../../../main/core/model/qwenImage';
import { inspectOnnxExport } from '../../../main/core/onnx/exportFolder';
import { ropeIndex } from '../../../main/core/model/ropeIndex';
import { loadTextSide, type TextSide } from '../../../main/core/model/templateAndTokenizer';
import { encodePngRgb } from '../../../main/core/util/png';
import { rng } from '../../helpers/checkpoints';
import { maxRelErr } from '../../helpers/compare';
import { Graph } from '../../helpers/onnx/graph';
import { DataType, fromFp16, toFp16 } from '../../helpers/onnx/proto';
import { type Q4Weight, quantizeQ4 } from '../../helpers/onnx/quantize';
import { makeTinyOnnxModel, type OnnxVariant, type TinyOnnxInfo, type TinyOnnxNet, variantNet } from '../../helpers/onnx/tinyOnnxModel';
import { refGreedy, refImageFeatures, refLogits } from '../../helpers/onnx/tinyOnnxReference';
import { tempDir } from '../../helpers/tmp';

type Positions = [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
/** (t, h, w) positions as plain arrays, each axis extended by `more`. */
const extend = (p: Positions, ...more: number[]): [number[], number[], number[]] => [
  [...Array.from(p[0]), ...more],
  [...Array.from(p[1]), ...more],
  [...Array.from(p[2]), ...more],
];

/** A textured frame, so every patch (and every image token) differs. */
function texture(width: number, height: number, seed: number): Buffer {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = (x * (3 + c) + y * (5 + seed) + ((x * y + seed * 17) % 29) * 4) & 255;
  return encodePngRgb(width, height, rgb);
}

const user = (...content: ChatMessage['content']): ChatMessage[] => [{ role: 'user', content }];
const text = (t: string) => ({ type: 'text' as const, text: t });
const image = { type: 'image' as const, text: null };

// Relative to the largest reference value. fp16 stores weights, activations between graphs and the cache in half precision;
// int8 and q4 compute in float32 with weights the reference has exactly (dequantised), so they are held to fp32's bound.
const TOL: Record<OnnxVariant, number> = { fp32: 1e-4, fp16: 3e-3, int8: 1e-4, q4: 1e-4 };
const VARIANTS = ['fp32', 'fp16', 'int8', 'q4'] as const;

interface Loaded {
  info: TinyOnnxInfo;
  side: TextSide;
  sessions: Record<OnnxVariant, { vision: ort.InferenceSession; embed: ort.InferenceSession; decoder: ort.InferenceSession }>;
}

// onnxruntime's optimiser fuses an int8 DequantizeLinear → MatMul into a MatMulNBits node that, by default
// (accuracy level 4), also quantises the activations to int8: ~0.5% error a matmul. Level 0 keeps them float32, so
// these checks see what the graphs compute; the policy test (onnxPolicy.test.ts) runs the default.
const EXACT: ort.InferenceSession.SessionOptions = { extra: { session: { qdq_matmulnbits_accuracy_level: '0' } } };

let m: Loaded;
beforeAll(async () => {
  // Sessions and the tokenizer are read into memory here, so the folder may be removed once the first test ends.
  const info = makeTinyOnnxModel(tempDir(), { variants: [...VARIANTS], seed: 3 });
  const open = async (v: OnnxVariant) => {
    const f = info.files[v]!;
    const [vision, embed, decoder] = await Promise.all([f.visionEncoder, f.embedTokens, f.decoder].map((p) => ort.InferenceSession.create(p, EXACT)));
    return { vision: vision!, embed: embed!, decoder: decoder! };
  };
  m = { info, side: loadTextSide(info.dir), sessions: { fp32: await open('fp32'), fp16: await open('fp16'), int8: await open('int8'), q4: await open('q4') } };
});

/** What the reference computes with: the weights as the variant stores them (half-rounded, dequantised). */
const refNet = (v: OnnxVariant): TinyOnnxNet => variantNet(m.info, v);

const int64 = (values: ArrayLike<number>, dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(Array.from(values), BigInt), dims);
function floats(v: OnnxVariant, values: ArrayLike<number>, dims: number[]): ort.Tensor {
  return v === 'fp16' ? new ort.Tensor('float16', Uint16Array.from(Array.from(values), toFp16), dims) : new ort.Tensor('float32', Float32Array.from(values), dims);
}
function numbers(t: ort.Tensor | undefined): Float64Array {
  if (!t) throw new Error('missing output');
  return t.type === 'float16' ? Float64Array.from(t.data as Uint16Array, fromFp16) : Float64Array.from(t.data as Float32Array);
}
const argmax = (row: ArrayLike<number>) => Array.from(row).reduce((best, z, i, a) => (z > a[best]! ? i : best), 0);
const concat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => Array.from(p)));

/** A vision encoder run over processor-ordered pixel rows; image_features as ORT returns them. */
async function encodeImages(v: OnnxVariant, pixels: Float32Array, grids: [number, number, number][]): Promise<ort.Tensor> {
  const out = await m.sessions[v].vision.run({ pixel_values: floats(v, pixels, [pixels.length / 1536, 1536]), grid_thw: int64(grids.flat(), [grids.length, 3]) });
  return out.image_features!;
}

/** inputs_embeds for [B, S] ids with image-token rows replaced by the features, in reading order. */
async function embed(v: OnnxVariant, ids: number[], dims: [number, number], features: ort.Tensor | null): Promise<ort.Tensor> {
  const out = (await m.sessions[v].embed.run({ input_ids: int64(ids, dims) })).inputs_embeds!;
  const H = m.info.dims.hidden;
  const data = out.data as Float32Array | Uint16Array;
  let k = 0;
  ids.forEach((id, i) => {
    if (id !== m.info.ids.image || !features) return;
    data.set((features.data as Float32Array | Uint16Array).subarray(k * H, ++k * H), i * H);
  });
  if (features) expect(k).toBe(features.dims[0]);
  return out;
}

/** One decoder call; past null means an empty cache (the prefill). */
async function decode(v: OnnxVariant, embeds: ort.Tensor, mask: number[], positionIds: number[], past: Record<string, ort.Tensor> | null, session = m.sessions[v].decoder) {
  const [B, S] = embeds.dims as [number, number];
  const d = m.info.dims;
  const feeds: Record<string, ort.Tensor> = { inputs_embeds: embeds, attention_mask: int64(mask, [B, mask.length / B]), position_ids: int64(positionIds, [3, B, S]) };
  for (let i = 0; i < d.layers; i++)
    for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = past?.[`present.${i}.${kv}`] ?? floats(v, [], [B, d.kvHeads, 0, d.headDim]);
  const out = await session.run(feeds);
  return { logits: numbers(out.logits), out };
}

const conversation = user(text('Board:'), image, text(' then '), image, text(' move?'));
const frames = () => [texture(256, 256, 1), texture(96, 48, 2)];

describe('tiny ONNX Qwen3-VL folder', () => {
  it('is in the transformers.js layout and the project processor reads its sizing', () => {
    // The first test, so the folder is still there.
    const dir = m.info.dir;
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'generation_config.json', 'onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(readdirSync(join(dir, 'onnx')).sort()).toEqual(
      ['decoder_model_merged', 'embed_tokens', 'vision_encoder'].flatMap((n) => ['', '_fp16', '_int8', '_q4'].map((s) => `${n}${s}.onnx`)).sort(),
    );
    // The quantised decoders hold their linears in 8 and 4 bits (plus scales); the graph and float norms are the rest.
    const size = (s: string) => statSync(join(dir, 'onnx', `decoder_model_merged${s}.onnx`)).size;
    expect(size('_int8') / size('')).toBeLessThan(1 / 3);
    expect(size('_q4') / size('')).toBeLessThan(1 / 4);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect([config.model_type, config['transformers.js_config'], config.text_config.rope_scaling.mrope_interleaved]).toEqual(['qwen3_vl', { dtype: 'fp32' }, true]);
    const side = m.side;
    expect(imageBudget(256, 256, side.sizing).grid).toEqual([1, 4, 4]);
    expect(imageBudget(256, 256, side.sizing).tokens).toBe(4);
    expect(imageBudget(96, 48, side.sizing).grid).toEqual([1, 4, 6]);
    const enc = encodePrompt(conversation, frames(), side);
    expect(enc.grids).toEqual([
      [1, 4, 4],
      [1, 4, 6],
    ]);
    const ids = m.info.ids;
    expect(enc.inputIds.filter((t) => t === ids.image)).toHaveLength(10);
    expect(enc.inputIds.filter((t) => t === ids.visionStart)).toHaveLength(2);
    expect(side.tokenizer!.specialIds.get('<|vision_end|>')).toBe(ids.visionEnd);

    const d = m.info.dims;
    const kvIn = (i: number) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`];
    const kvOut = (i: number) => [`present.${i}.key`, `present.${i}.value`];
    for (const v of VARIANTS) {
      const ft = v === 'fp16' ? 'float16' : 'float32';
      const meta = (s: ort.InferenceSession, which: 'inputMetadata' | 'outputMetadata') => s[which].map((x) => (x.isTensor ? [x.name, x.type, x.shape] : [x.name]));
      const s = m.sessions[v];
      expect(meta(s.vision, 'inputMetadata')).toEqual([
        ['pixel_values', ft, ['num_patches', 1536]],
        ['grid_thw', 'int64', ['num_images', 3]],
      ]);
      expect(meta(s.vision, 'outputMetadata')).toEqual([['image_features', ft, ['num_image_tokens', d.hidden]]]);
      expect(meta(s.embed, 'inputMetadata')).toEqual([['input_ids', 'int64', ['batch_size', 'sequence_length']]]);
      expect(meta(s.embed, 'outputMetadata')).toEqual([['inputs_embeds', ft, ['batch_size', 'sequence_length', d.hidden]]]);
      expect(s.decoder.inputNames).toEqual(['inputs_embeds', 'attention_mask', 'position_ids', ...[0, 1].flatMap(kvIn)]);
      expect(s.decoder.outputNames).toEqual(['logits', ...[0, 1].flatMap(kvOut)]);
      const past = s.decoder.inputMetadata[3]!;
      expect(past.isTensor && [past.type, past.shape]).toEqual([ft, ['batch_size', d.kvHeads, 'past_sequence_length', d.headDim]]);
      const logits = s.decoder.outputMetadata[0]!;
      expect(logits.isTensor && [logits.type, logits.shape]).toEqual([ft, ['batch_size', 'sequence_length', d.vocab]]);
    }
  });

  it.each(VARIANTS)('%s vision encoder equals the reference and checks grid_thw', async (v) => {
    const enc = encodePrompt(conversation, frames(), m.side);
    const pixels = concat(enc.pixels);
    const got = await encodeImages(v, pixels, enc.grids);
    expect(got.dims).toEqual([10, m.info.dims.hidden]);
    const want = refImageFeatures(refNet(v), pixels, enc.grids);
    expect(maxRelErr(numbers(got), want)).toBeLessThan(TOL[v]);
    // The merged row count comes from grid_thw, so a grid that disagrees with the pixels is refused.
    await expect(
      encodeImages(v, pixels, [
        [1, 4, 4],
        [1, 4, 4],
      ]),
    ).rejects.toThrow();
  });

  it.each(VARIANTS)('%s prefill with two images, then 3 decode steps through the cache', async (v) => {
    const net = refNet(v);
    const V = m.info.dims.vocab;
    const enc = encodePrompt(conversation, frames(), m.side);
    const feats = refImageFeatures(net, concat(enc.pixels), enc.grids);
    const S = enc.inputIds.length;
    let { logits, out } = await decode(
      v,
      await embed(v, enc.inputIds, [1, S], await encodeImages(v, concat(enc.pixels), enc.grids)),
      new Array(S).fill(1),
      enc.positions.flatMap((p) => Array.from(p)),
      null,
    );
    const want = refLogits(net, enc.inputIds, enc.positions, feats);
    expect(maxRelErr(logits, want)).toBeLessThan(TOL[v]);
    if (v === 'int8' || v === 'q4') {
      // The quantised weights are really in use: the fp32 network answers measurably otherwise.
      const float = refLogits(m.info, enc.inputIds, enc.positions, refImageFeatures(m.info, concat(enc.pixels), enc.grids));
      expect(maxRelErr(logits, float)).toBeGreaterThan(30 * TOL[v]);
    }
    expect(out['present.1.key']!.dims).toEqual([1, m.info.dims.kvHeads, S, m.info.dims.headDim]);

    const ids = [...enc.inputIds];
    const pos = extend(enc.positions);
    const next = Math.max(...pos.flat()) + 1;
    const chosen = [argmax(logits.subarray((S - 1) * V))];
    for (let step = 0; step < 3; step++) {
      ids.push(chosen[step]!);
      for (const axis of pos) axis.push(next + step);
      ({ logits, out } = await decode(v, await embed(v, [chosen[step]!], [1, 1], null), new Array(ids.length).fill(1), [next + step, next + step, next + step], out));
      expect(out['present.0.value']!.dims[2]).toBe(ids.length);
      const full = refLogits(net, ids, pos, feats);
      expect(maxRelErr(logits, full.subarray((ids.length - 1) * V))).toBeLessThan(TOL[v]);
      chosen.push(argmax(logits));
    }
    if (v === 'fp32') {
      expect(chosen).toEqual(refGreedy(net, enc.inputIds, enc.positions, feats, 4, []));
      expect(refGreedy(net, enc.inputIds, enc.positions, feats, 4, [chosen[1]!])).toEqual(chosen.slice(0, 2));
    }
  });

  it.each(VARIANTS)('%s left-padded batch of 2: real positions equal each row alone', async (v) => {
    const net = refNet(v);
    const { vocab: V } = m.info.dims;
    const [big, small] = frames();
    const rows: Encoded[] = [encodePrompt(user(text('hello world'), image, text(' up or down?')), [big!], m.side), encodePrompt(user(image, text('left')), [small!], m.side)];
    const L = Math.max(...rows.map((r) => r.inputIds.length));
    expect(rows[0]!.inputIds.length).not.toBe(rows[1]!.inputIds.length);
    const padded = rows.flatMap((r) => [...new Array(L - r.inputIds.length).fill(m.info.ids.pad), ...r.inputIds]);
    const mask = rows.flatMap((r) => [...new Array(L - r.inputIds.length).fill(0), ...new Array(r.inputIds.length).fill(1)]);
    const pos = rows.map((r, b) => ropeIndex(padded.slice(b * L, (b + 1) * L), r.grids, m.info.ids.image, 2, mask.slice(b * L, (b + 1) * L)));
    const positionIds = [0, 1, 2].flatMap((a) => pos.flatMap((p) => Array.from(p[a]!)));
    const features = await encodeImages(
      v,
      concat(rows.flatMap((r) => r.pixels)),
      rows.flatMap((r) => r.grids),
    );
    const { logits, out } = await decode(v, await embed(v, padded, [2, L], features), mask, positionIds, null);

    const nextIds: number[] = [];
    const nextPos: number[] = [];
    const alone: Float64Array[] = [];
    for (const [b, r] of rows.entries()) {
      const n = r.inputIds.length;
      const real = logits.subarray((b * L + L - n) * V, (b + 1) * L * V);
      const feats = refImageFeatures(net, concat(r.pixels), r.grids);
      expect(maxRelErr(real, refLogits(net, r.inputIds, r.positions, feats))).toBeLessThan(TOL[v]);
      const single = await decode(
        v,
        await embed(v, r.inputIds, [1, n], await encodeImages(v, concat(r.pixels), r.grids)),
        new Array(n).fill(1),
        r.positions.flatMap((p) => Array.from(p)),
        null,
      );
      expect(maxRelErr(real, single.logits)).toBeLessThan(TOL[v]);
      nextIds.push(argmax(real.subarray((n - 1) * V)));
      nextPos.push(Math.max(...r.positions.flatMap((p) => Array.from(p))) + 1);
      const ids = [...r.inputIds, nextIds[b]!];
      alone.push(refLogits(net, ids, extend(r.positions, nextPos[b]!), feats).subarray(n * V));
    }
    // One batched decode step on top of the padded cache.
    const step = await decode(
      v,
      await embed(v, nextIds, [2, 1], null),
      rows.flatMap((_, b) => [...mask.slice(b * L, (b + 1) * L), 1]),
      [0, 1, 2].flatMap(() => nextPos),
      out,
    );
    for (const b of [0, 1]) expect(maxRelErr(step.logits.subarray(b * V, (b + 1) * V), alone[b]!)).toBeLessThan(TOL[v]);
  });
});

describe('weights as ONNX external data', () => {
  // Big exports keep their weights in <graph>.onnx_data (protobuf stops at 2 GB); the tiny one is written that way on request.
  it("loads from the .onnx_data files and gives exactly the embedded model's logits; keepWeights off writes the same files", async () => {
    const variants: OnnxVariant[] = ['fp32', 'fp16'];
    const kept = makeTinyOnnxModel(tempDir(), { variants, seed: 3, externalData: true });
    const streamed = makeTinyOnnxModel(tempDir(), { variants, seed: 3, externalData: true, keepWeights: false });
    expect(streamed.weights).toEqual({});
    const names = (dir: string) => readdirSync(join(dir, 'onnx')).sort();
    expect(names(streamed.dir)).toEqual(
      ['decoder_model_merged', 'embed_tokens', 'vision_encoder'].flatMap((n) => ['', '_fp16'].flatMap((s) => [`${n}${s}.onnx`, `${n}${s}.onnx_data`])).sort(),
    );
    // Weights drawn a chunk at a time into the file are the ones drawn whole.
    for (const name of names(kept.dir)) expect(readFileSync(join(streamed.dir, 'onnx', name)).equals(readFileSync(join(kept.dir, 'onnx', name))), name).toBe(true);

    // The graph stays in the .onnx, every weight of 1 KB or more (all the linears) goes to the data file.
    const decoderFile = streamed.files.fp32!.decoder;
    const inline = makeTinyOnnxModel(tempDir(), { seed: 3 }).files.fp32!.decoder;
    const bigWeights = Object.entries(kept.weights).filter(([n, w]) => !n.startsWith('visual.') && n !== 'embed_tokens.weight' && w.byteLength >= 1024);
    expect(bigWeights.map(([n]) => n)).toContain('lm_head.weight');
    expect(statSync(decoderFile).size).toBeLessThan(statSync(inline).size / 10);
    expect(statSync(`${decoderFile}_data`).size).toBeGreaterThanOrEqual(bigWeights.reduce((n, [, w]) => n + w.byteLength, 0));
    // The runtime's folder reader counts the data files in the export's size.
    const onDisk = (['visionEncoder', 'embedTokens', 'decoder'] as const).reduce(
      (n, g) => n + statSync(streamed.files.fp32![g]).size + statSync(`${streamed.files.fp32![g]}_data`).size,
      0,
    );
    expect(inspectOnnxExport(streamed.dir, 'fp32').bytes).toBe(onDisk);

    const enc = encodePrompt(user(text('Board:'), image, text(' move?')), [texture(96, 48, 2)], m.side);
    const S = enc.inputIds.length;
    const pixels = concat(enc.pixels);
    for (const v of variants) {
      // Opened by path: the runtime finds the data files beside the graphs.
      const f = streamed.files[v]!;
      const [vision, embedder, dec] = await Promise.all([f.visionEncoder, f.embedTokens, f.decoder].map((p) => ort.InferenceSession.create(p, EXACT)));
      const features = (await vision!.run({ pixel_values: floats(v, pixels, [pixels.length / 1536, 1536]), grid_thw: int64(enc.grids.flat(), [enc.grids.length, 3]) }))
        .image_features!;
      const embedded = await encodeImages(v, pixels, enc.grids);
      expect(features.data).toEqual(embedded.data);
      const embeds = (await embedder!.run({ input_ids: int64(enc.inputIds, [1, S]) })).inputs_embeds!;
      expect(embeds.data).toEqual((await embed(v, enc.inputIds, [1, S], null)).data);
      // Both graphs gave what the embedded ones give, so both decoders are fed the same inputs_embeds.
      const inputs = await embed(v, enc.inputIds, [1, S], features);
      const prefill = (session: ort.InferenceSession) =>
        decode(
          v,
          inputs,
          new Array(S).fill(1),
          enc.positions.flatMap((p) => Array.from(p)),
          null,
          session,
        );
      expect((await prefill(dec!)).logits).toEqual((await prefill(m.sessions[v].decoder)).logits);
      await Promise.all([vision, embedder, dec].map((s) => s!.release()));
    }
  });
});

describe('com.microsoft MatMulNBits as the q4 graphs store weights', () => {
  /** Y = A · W for A [rows, K] through one MatMulNBits node (B as given, to try other packings). */
  async function run(q: Q4Weight, a: Float32Array, packed = q.packed): Promise<Float64Array> {
    const g = new Graph('matmul_nbits');
    const rows = a.length / q.K;
    const inputs = [
      g.input('A', DataType.FLOAT, [rows, q.K]),
      g.init('B', packed, [q.N, q.kBlocks, q.blockSize / 2], DataType.UINT8),
      g.init('scales', q.scales, [q.N * q.kBlocks]),
    ];
    if (q.zeroPoints) inputs.push(g.init('zero_points', q.zeroPoints, [q.zeroPoints.length], DataType.UINT8));
    g.output('Y', DataType.FLOAT, [rows, q.N], g.domainOp('com.microsoft', 1, 'MatMulNBits', inputs, { K: q.K, N: q.N, bits: 4, block_size: q.blockSize }));
    const session = await ort.InferenceSession.create(g.toBytes());
    const y = numbers((await session.run({ A: new ort.Tensor('float32', a, [rows, q.K]) })).Y);
    await session.release();
    return y;
  }

  /** A · W in float64 for an [in, out] weight. */
  function matmul(a: Float32Array, w: Float32Array, K: number): Float64Array {
    const N = w.length / K;
    const rows = a.length / K;
    const y = new Float64Array(rows * N);
    for (let r = 0; r < rows; r++)
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += a[r * K + k]! * w[k * N + n]!;
        y[r * N + n] = acc;
      }
    return y;
  }

  // 96 = 3 blocks (an odd count: each row's zero points start on a fresh byte); 80 ends in a ragged half block.
  it.each([
    ['symmetric, default zero point 8', 96, true],
    ['explicit zero points, odd block count', 96, false],
    ['explicit zero points, ragged last block', 80, false],
  ] as const)('%s: equals a matmul by the dequantised weight', async (_, K, symmetric) => {
    const rand = rng(K);
    const N = 40;
    const w = Float32Array.from({ length: K * N }, () => rand() * 2 - 1 + (symmetric ? 0 : 0.3));
    const a = Float32Array.from({ length: 3 * K }, () => rand() * 2 - 1);
    const q = quantizeQ4(w, K, { symmetric });
    expect(q.zeroPoints?.length).toBe(symmetric ? undefined : N * 2);
    const want = matmul(a, q.dequantised, K);
    expect(maxRelErr(await run(q, a), want)).toBeLessThan(1e-5);
    expect(maxRelErr(matmul(a, w, K), want)).toBeGreaterThan(1e-3); // four bits are coarse: the check is not trivial
    // The high nibble first would be another weight.
    const swapped = q.packed.map((b) => ((b & 15) << 4) | (b >> 4));
    expect(maxRelErr(await run(q, a, swapped), want)).toBeGreaterThan(0.1);
  });
});
