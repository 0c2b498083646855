// The local ONNX policy on a tiny Qwen-VL export written by the project's own
// ONNX code: loading, batched prefill + decode with the key/value cache checked
// token for token against a plain reference of the same network, layout errors
// that name the file and input, and whole Sokoban rollouts through the job.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Encoded, encodePrompt } from '../../../main/core/model/encode';
import { userTurnContent } from '../../../main/core/model/chat';
import { generateBatch } from '../../../main/core/onnx/generate';
import { OnnxVlm } from '../../../main/core/onnx/vlmModel';
import { TrajectoryStore } from '../../../main/core/db/trajectories';
import { getGame } from '../../../main/core/games';
import { Studio } from '../../../main/core/studio';
import { makeTinyOnnxModel, type TinyOnnxNet, variantNet } from '../../helpers/onnx/tinyOnnxModel';
import { refGreedy, refImageFeatures } from '../../helpers/onnx/tinyOnnxReference';
import { tempDir } from '../../helpers/tmp';

function sokobanTurn(seed: number): { prompt: string; png: Buffer } {
  const game = getGame('sokoban');
  const env = game.create({}, seed);
  const obs = env.reset();
  return { prompt: game.buildPrompt(env, { historyTurns: 0, history: [] }), png: obs.png };
}

function encodeTurn(vlm: OnnxVlm, t: { prompt: string; png: Buffer }): Encoded {
  return encodePrompt([{ role: 'user', content: userTurnContent(t.prompt, true)! }], [t.png], vlm.text);
}

/** What the reference network answers greedily (without the end token). */
function reference(net: TinyOnnxNet, e: Encoded, maxNew: number): { tokens: number[]; stopped: boolean } {
  const feats = refImageFeatures(net, Float32Array.from(e.pixels.flatMap((p) => [...p])), e.grids);
  const out = refGreedy(net, e.inputIds, e.positions, feats, maxNew, net.ids.eos);
  const stopped = net.ids.eos.includes(out.at(-1)!);
  return { tokens: stopped ? out.slice(0, -1) : out, stopped };
}

describe('ONNX Qwen-VL policy', () => {
  it('loads the export and reads its layout from the graphs', async () => {
    const info = makeTinyOnnxModel(tempDir(), { variants: ['fp32', 'fp16'] });
    const vlm = await OnnxVlm.open(info.dir, { provider: 'cpu' });
    try {
      expect(vlm.provider).toBe('cpu');
      expect(vlm.exp.variants.decoder_model_merged).toBe('fp32'); // the folder's transformers.js_config says fp32
      expect(vlm.kv).toEqual({ heads: info.dims.kvHeads, headDim: info.dims.headDim, type: 'float32' });
      expect(vlm.gridInput).toBe('grid_thw');
      expect(vlm.exp.eosIds).toEqual(info.ids.eos);
    } finally {
      await vlm.release();
    }
    const half = await OnnxVlm.open(info.dir, { provider: 'cpu', variant: 'fp16' });
    expect([half.kv.type, half.embedType, half.pixelType]).toEqual(['float16', 'float16', 'float16']);
    await half.release();
  });

  it('batched greedy decoding with the cache equals the reference rerun token by token', async () => {
    const info = makeTinyOnnxModel(tempDir(), { seed: 5 });
    const vlm = await OnnxVlm.open(info.dir, { provider: 'cpu' });
    try {
      // Two levels, one with history text so the prompts differ in length (left padding is exercised).
      const a = encodeTurn(vlm, sokobanTurn(1));
      const b0 = sokobanTurn(2);
      const b = encodeTurn(vlm, { ...b0, prompt: `${b0.prompt}\nPrevious moves: up, up, left.` });
      expect(a.inputIds.length).not.toBe(b.inputIds.length);
      const maxNew = 6;
      const { results, stats } = await generateBatch(
        vlm,
        [a, b].map((prompt, i) => ({ prompt, maxNewTokens: maxNew, temperature: 0, topP: 1, seed: i })),
      );
      for (const [e, r] of [
        [a, results[0]!],
        [b, results[1]!],
      ] as const) {
        const ref = reference(info, e, maxNew);
        expect(r.tokens).toEqual(ref.tokens);
        expect(r.finish).toBe(ref.stopped ? 'stop' : 'length');
      }
      expect(stats).toMatchObject({ batch: 2, promptTokens: a.inputIds.length + b.inputIds.length });
      // Alone or batched: the same answer.
      const alone = await generateBatch(vlm, [{ prompt: b, maxNewTokens: maxNew, temperature: 0, topP: 1, seed: 0 }]);
      expect(alone.results[0]!.tokens).toEqual(results[1]!.tokens);
      // A logits budget smaller than one row's prefill: rows prefilled one by one, caches joined, same answers.
      const grouped = await generateBatch(
        vlm,
        [a, b].map((prompt, i) => ({ prompt, maxNewTokens: maxNew, temperature: 0, topP: 1, seed: i })),
        undefined,
        { prefillLogitsBytes: 1 },
      );
      expect(grouped.results).toEqual(results);
    } finally {
      await vlm.release();
    }
  });

  it('fp16 graphs (float16 inputs, outputs and cache) give the reference answer', async () => {
    const info = makeTinyOnnxModel(tempDir(), { seed: 5, variants: ['fp16'] });
    const vlm = await OnnxVlm.open(info.dir, { provider: 'cpu', variant: 'fp16' });
    try {
      const e = encodeTurn(vlm, sokobanTurn(1));
      const { results } = await generateBatch(vlm, [{ prompt: e, maxNewTokens: 4, temperature: 0, topP: 1, seed: 0 }]);
      // Half precision can flip a near tie; the first tokens of this seed are well separated.
      expect(results[0]!.tokens.slice(0, 2)).toEqual(reference(info, e, 4).tokens.slice(0, 2));
    } finally {
      await vlm.release();
    }
  });

  it('int8 (DequantizeLinear) and q4 (MatMulNBits) graphs give the answer of their dequantised weights', async () => {
    // onnxruntime fuses int8's DequantizeLinear → MatMul into MatMulNBits and, by default, runs it on int8-quantised
    // activations (about 1.5% of the logit range off on these prompts; q4's nodes stay float32, within 1e-6). This
    // seed's greedy choices are at least 7.7% apart, so both variants must still give the reference tokens.
    const info = makeTinyOnnxModel(tempDir(), { seed: 11, variants: ['int8', 'q4'] });
    for (const variant of ['int8', 'q4'] as const) {
      const vlm = await OnnxVlm.open(info.dir, { provider: 'cpu', variant });
      try {
        expect(Object.values(vlm.exp.variants)).toEqual([variant, variant, variant]);
        expect([vlm.kv.type, vlm.embedType, vlm.pixelType]).toEqual(['float32', 'float32', 'float32']);
        // Two prompts of different lengths, batched, so left padding runs through the quantised graphs too.
        const a = encodeTurn(vlm, sokobanTurn(1));
        const b0 = sokobanTurn(2);
        const b = encodeTurn(vlm, { ...b0, prompt: `${b0.prompt}\nPrevious moves: up, up, left.` });
        const maxNew = 3;
        const { results } = await generateBatch(
          vlm,
          [a, b].map((prompt, i) => ({ prompt, maxNewTokens: maxNew, temperature: 0, topP: 1, seed: i })),
        );
        const net = variantNet(info, variant);
        for (const [e, r] of [
          [a, results[0]!],
          [b, results[1]!],
        ] as const) {
          const ref = reference(net, e, maxNew);
          expect(r.tokens, variant).toEqual(ref.tokens);
          expect(r.finish).toBe(ref.stopped ? 'stop' : 'length');
        }
      } finally {
        await vlm.release();
      }
    }
  });

  it('a graph of another layout fails to load with its file and the missing input named', async () => {
    const info = makeTinyOnnxModel(tempDir());
    const decoder = join(info.dir, 'onnx', 'decoder_model_merged.onnx');
    copyFileSync(join(info.dir, 'onnx', 'embed_tokens.onnx'), decoder);
    await expect(OnnxVlm.open(info.dir, { provider: 'cpu' })).rejects.toThrow(`${decoder}: has no input named inputs_embeds (its inputs: input_ids)`);
    await expect(OnnxVlm.open(info.dir, { provider: 'cpu', variant: 'q4' })).rejects.toThrow('vision_encoder_q4.onnx: missing; vision_encoder is there as fp32');
  });

  it('plays whole Sokoban rollouts as a job: episodes batched, replies the reference network’s, throughput on the job', async () => {
    const info = makeTinyOnnxModel(tempDir(), { seed: 5 });
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'onnx');
    const { runner, project } = studio.requireProject();
    const maxTokens = 8;
    const run = runner.start('rollout.run', {
      game: 'sokoban',
      tasks: 2,
      samplesPerTask: 2,
      seed: 40,
      concurrency: 4,
      settings: { maxTurns: 3 },
      policy: { type: 'onnx', modelDir: info.dir, provider: 'cpu', temperature: 0, maxTokens },
    });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded' });
    const store = new TrajectoryStore(project.db);
    const rows = store.byRollout(run.id);
    expect(rows).toHaveLength(4);
    const vlm = await OnnxVlm.open(info.dir, { provider: 'cpu' });
    const answers = new Map<string, string>(); // samples of one task share their first prompt
    try {
      for (const r of rows) {
        expect(r.status).toBe('complete');
        const turns = store.turns(r.id);
        expect(turns.length).toBeGreaterThan(0);
        // The first turn: the reply is the reference network's greedy answer to the recorded prompt and frame.
        const t = turns[0]!;
        const e = encodeTurn(vlm, { prompt: t.prompt, png: Buffer.from(store.frame(t.frame_id!)!.png) });
        const key = `${r.seed}:${t.prompt}`;
        if (!answers.has(key)) answers.set(key, vlm.text.tokenizer!.decode(reference(info, e, maxTokens).tokens));
        expect(t.reply).toBe(answers.get(key));
        expect(t.prompt_tokens).toBe(e.inputIds.length);
      }
    } finally {
      await vlm.release();
    }
    const metrics = project.store.listMetrics(run.id);
    const batch = metrics.filter((m) => m.name === 'batch_size').map((m) => m.value!);
    expect(Math.max(...batch)).toBeGreaterThan(1); // concurrent episodes shared model calls
    expect(metrics.find((m) => m.name === 'tokens_per_s_total')!.value).toBeGreaterThan(0);
    expect(runner.summary(run.id).progressMessage).toMatch(/^4\/4 trajectories, \d+ won, \d+ tokens\/s$/);
    const logs = project.store
      .listLogs(run.id)
      .map((l) => l.message)
      .join('\n');
    expect(logs).toMatch(/ONNX policy .*: fp32 graphs, cpu provider/);
  });
});
