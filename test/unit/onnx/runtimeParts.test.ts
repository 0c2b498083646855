// The ONNX policy's parts that need no model: reading an export folder's
// layout (and the errors for other layouts), half precision, the sampler and
// the batcher that lets concurrent episodes share model calls.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GenerationBatcher } from '../../../main/core/onnx/batcher';
import { inspectOnnxExport } from '../../../main/core/onnx/exportFolder';
import type { GenerationRequest } from '../../../main/core/onnx/generate';
import { fromHalf, toHalf } from '../../../main/core/onnx/half';
import { argmax, sample, seededRandom } from '../../../main/core/onnx/sampler';
import { tempDir } from '../../helpers/tmp';

function exportFolder(graphs: string[], config: Record<string, unknown> = {}): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'onnx'));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ model_type: 'qwen2_vl', image_token_id: 9, vision_start_token_id: 8, num_hidden_layers: 2, vision_config: { spatial_merge_size: 2 }, ...config }),
  );
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [5, 6], pad_token_id: 6 }));
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
  writeFileSync(join(dir, 'preprocessor_config.json'), '{}');
  for (const g of graphs) writeFileSync(join(dir, 'onnx', g), 'x');
  return dir;
}

const ALL = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'];

describe('ONNX export folder', () => {
  it('finds each graph variant and picks the configured one, else fp32', () => {
    const dir = exportFolder([...ALL.map((g) => `${g}.onnx`), ...ALL.map((g) => `${g}_q4.onnx`), 'vision_encoder_fp16.onnx']);
    const e = inspectOnnxExport(dir);
    expect(e.present.vision_encoder).toEqual(['fp32', 'fp16', 'q4']);
    expect(e.variants).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' });
    expect(e.files.decoder_model_merged).toBe(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    expect(inspectOnnxExport(dir, 'q4').files.embed_tokens).toBe(join(dir, 'onnx', 'embed_tokens_q4.onnx'));
    expect(e).toMatchObject({ imageTokenId: 9, visionStartId: 8, numLayers: 2, mergeSize: 2, eosIds: [5, 6], padId: 6 });
    // transformers.js_config may name a dtype per graph.
    const per = exportFolder([...ALL.map((g) => `${g}.onnx`), 'decoder_model_merged_q4.onnx'], { 'transformers.js_config': { dtype: { decoder_model_merged: 'q4' } } });
    expect(inspectOnnxExport(per).variants).toEqual({ vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'q4' });
  });

  it('names the missing file or field when the folder is another layout', () => {
    const noDecoder = exportFolder(['vision_encoder.onnx', 'embed_tokens.onnx']);
    expect(() => inspectOnnxExport(noDecoder)).toThrow(`${join(noDecoder, 'onnx', 'decoder_model_merged.onnx')}: missing (no variant of decoder_model_merged`);
    const onlyFp32 = exportFolder(ALL.map((g) => `${g}.onnx`));
    expect(() => inspectOnnxExport(onlyFp32, 'fp16')).toThrow(`${join(onlyFp32, 'onnx', 'vision_encoder_fp16.onnx')}: missing; vision_encoder is there as fp32`);
    const noLayers = exportFolder(
      ALL.map((g) => `${g}.onnx`),
      { num_hidden_layers: undefined },
    );
    expect(() => inspectOnnxExport(noLayers)).toThrow(`${join(noLayers, 'config.json')} (text_config): field num_hidden_layers is missing`);
    const flat = tempDir();
    writeFileSync(join(flat, 'config.json'), '{}');
    writeFileSync(join(flat, 'tokenizer.json'), '{}');
    writeFileSync(join(flat, 'preprocessor_config.json'), '{}');
    expect(() => inspectOnnxExport(flat)).toThrow(`${join(flat, 'onnx')}: missing`);
    const bad = exportFolder(ALL.map((g) => `${g}.onnx`));
    writeFileSync(join(bad, 'config.json'), '{"model_type": ');
    expect(() => inspectOnnxExport(bad)).toThrow(join(bad, 'config.json'));
  });
});

describe('half precision', () => {
  it('rounds to nearest even and round-trips every finite half', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(1e6)).toBe(0x7c00);
    expect(toHalf(2 ** -24)).toBe(1); // smallest subnormal
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    for (let h = 0; h < 0x7c00; h += 7) expect(toHalf(fromHalf(h))).toBe(h);
  });
});

describe('sampler', () => {
  it('is greedy at temperature 0 and keeps only the nucleus with top_p', () => {
    const logits = [0, 5, 1, 4.9];
    expect(argmax(logits)).toBe(1);
    expect(sample(logits, 0, 4, { temperature: 0, topP: 1 }, () => 0.99)).toBe(1);
    const rand = seededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(sample(logits, 0, 4, { temperature: 1, topP: 0.9 }, rand));
    expect([...seen].sort()).toEqual([1, 3]); // the two likely tokens carry > 0.9 of the mass
    const all = new Set<number>();
    for (let i = 0; i < 2000; i++) all.add(sample([0, 0, 0, 0], 0, 4, { temperature: 1, topP: 1 }, rand));
    expect(all.size).toBe(4);
    // The same seed replays the same choices.
    const a = seededRandom(7);
    const b = seededRandom(7);
    const draws = (r: () => number) => Array.from({ length: 20 }, () => sample(logits, 0, 4, { temperature: 1.5, topP: 1 }, r));
    expect(draws(a)).toEqual(draws(b));
  });
});

describe('generation batcher', () => {
  const req = (seed: number): GenerationRequest => ({
    prompt: { inputIds: [seed], labels: [], pixels: [], grids: [], positions: [new Int32Array(1), new Int32Array(1), new Int32Array(1)] },
    maxNewTokens: 1,
    temperature: 0,
    topP: 1,
    seed,
  });

  it('serves requests that arrive together in one model call, at most maxBatch each', async () => {
    const calls: number[][] = [];
    const b = new GenerationBatcher(async (reqs) => {
      calls.push(reqs.map((r) => r.seed));
      await new Promise((r) => setTimeout(r, 5));
      return {
        results: reqs.map((r) => ({ tokens: [r.seed * 10], finish: 'stop' as const })),
        stats: { batch: reqs.length, promptTokens: 0, newTokens: reqs.length, prefillMs: 1, decodeMs: 1 },
      };
    }, 3);
    const out = await Promise.all([1, 2, 3, 4, 5].map((s) => b.submit(req(s))));
    expect(out.map((r) => r.tokens[0])).toEqual([10, 20, 30, 40, 50]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails every request of a failed call, and refuses cancelled ones without a call', async () => {
    let calls = 0;
    const b = new GenerationBatcher(async () => {
      calls++;
      throw new Error('graph failed');
    }, 4);
    await expect(Promise.all([b.submit(req(1)), b.submit(req(2))])).rejects.toThrow('graph failed');
    const ac = new AbortController();
    ac.abort();
    await expect(b.submit(req(3), ac.signal)).rejects.toThrow('cancelled');
    expect(calls).toBe(1);
  });
});
