// Local ONNX policy benchmark: a random-weight Qwen-VL export written by our
// own ONNX encoder (transformers.js layout), played through onnxruntime-node.
// Prints generation tokens/s at batch 1 and at the batch size, and Sokoban
// episodes/min through the rollout job (prompt + 256×256 frame each turn).
//   npx vitest run --config test/bench/vitest.config.ts onnx
//   BENCH_SHAPES=tiny|small|2b  BENCH_PROVIDER=cpu|cuda  BENCH_BATCH=8  BENCH_EPISODES=16
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { userTurnContent } from '../../main/core/model/chat';
import { encodePrompt } from '../../main/core/model/encode';
import { generateBatch } from '../../main/core/onnx/generate';
import type { ProviderId } from '../../main/core/onnx/ort';
import { OnnxVlm } from '../../main/core/onnx/vlmModel';
import { getGame } from '../../main/core/games';
import { Studio } from '../../main/core/studio';
import { makeTinyOnnxModel, type TinyOnnxDims } from '../helpers/onnx/tinyOnnxModel';

const SHAPES: Record<string, { dims: Partial<TinyOnnxDims>; externalData?: boolean }> = {
  tiny: { dims: {} },
  // Real per-layer widths (Qwen-VL-0.5B-like), few layers: CPU-sized, but real matmul shapes.
  small: { dims: { hidden: 896, intermediate: 4864, layers: 4, heads: 14, kvHeads: 2, headDim: 64, visionHidden: 256 } },
  // Qwen2-VL-2B's text decoder at full size (~1.5 B parameters, ~6 GB in fp32: past protobuf's 2 GB, so the weights
  // go to .onnx_data files); the vision side stays the simplified tiny one at Qwen2-VL's width.
  '2b': { dims: { hidden: 1536, intermediate: 8960, layers: 28, heads: 12, kvHeads: 2, headDim: 128, vocab: 151936, visionHidden: 1280 }, externalData: true },
};

it('ONNX policy throughput', async () => {
  const shapes = process.env.BENCH_SHAPES ?? 'tiny';
  const provider = (process.env.BENCH_PROVIDER ?? 'cpu') as ProviderId;
  const batch = Number(process.env.BENCH_BATCH ?? 8);
  const episodes = Number(process.env.BENCH_EPISODES ?? 16);
  const maxNew = Number(process.env.BENCH_NEW_TOKENS ?? 64);
  const shape = SHAPES[shapes];
  if (!shape) throw new Error(`BENCH_SHAPES=${shapes}: one of ${Object.keys(SHAPES).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'onnx-bench-'));
  const say = (s: string) => process.stderr.write(`${shapes}/${provider}: ${s}\n`);
  try {
    // The bench reads no weights back, so they are drawn straight into the files and not kept.
    const tw = Date.now();
    const info = makeTinyOnnxModel(join(dir, 'model'), { dims: shape.dims, seed: 3, keepWeights: false, externalData: shape.externalData });
    const onnxDir = join(info.dir, 'onnx');
    const bytes = readdirSync(onnxDir).reduce((n, f) => n + statSync(join(onnxDir, f)).size, 0);
    say(`model written in ${((Date.now() - tw) / 1000).toFixed(1)} s: ${(bytes / 2 ** 30).toFixed(2)} GiB under onnx/`);
    const to = Date.now();
    const vlm = await OnnxVlm.open(info.dir, { provider });
    say(`sessions opened in ${((Date.now() - to) / 1000).toFixed(1)} s`);
    const game = getGame('sokoban');
    const prompts = Array.from({ length: batch }, (_, i) => {
      const env = game.create({}, i);
      const obs = env.reset();
      return encodePrompt([{ role: 'user', content: userTurnContent(game.buildPrompt(env), true)! }], [obs.png], vlm.text);
    });
    say(`prompt ${prompts[0]!.inputIds.length} tokens (frame ${prompts[0]!.grids[0]!.join('×')} grid), ${maxNew} new tokens, no early stop`);
    // The end-of-turn token is taken out of play so every row generates maxNew tokens.
    vlm.exp.eosIds.length = 0;
    for (const b of [1, batch]) {
      await generateBatch(
        vlm,
        prompts.slice(0, b).map((prompt, i) => ({ prompt, maxNewTokens: 4, temperature: 0, topP: 1, seed: i })),
      ); // warm-up
      const { stats } = await generateBatch(
        vlm,
        prompts.slice(0, b).map((prompt, i) => ({ prompt, maxNewTokens: maxNew, temperature: 0.7, topP: 0.9, seed: i })),
      );
      say(
        `batch ${b}: prefill ${stats.promptTokens} tokens in ${stats.prefillMs.toFixed(0)} ms (${((stats.promptTokens / stats.prefillMs) * 1000).toFixed(0)} tok/s), decode ${stats.newTokens} tokens in ${stats.decodeMs.toFixed(0)} ms = ${((stats.newTokens / stats.decodeMs) * 1000).toFixed(1)} tok/s`,
      );
    }
    await vlm.release();

    const studio = new Studio({ shell: 'server', configDir: join(dir, 'home') });
    studio.createProject(join(dir, 'project'), 'bench');
    const { runner, project } = studio.requireProject();
    const t0 = Date.now();
    const run = runner.start('rollout.run', {
      game: 'sokoban',
      tasks: episodes,
      samplesPerTask: 1,
      concurrency: batch,
      settings: { maxTurns: 5 },
      policy: { type: 'onnx', modelDir: info.dir, provider, temperature: 0.7, maxTokens: maxNew },
    });
    await runner.idle();
    const minutes = (Date.now() - t0) / 60_000;
    const total = project.store.listMetrics(run.id).find((m) => m.name === 'tokens_per_s_total')?.value ?? 0;
    say(
      `rollout: ${episodes} Sokoban episodes × 5 turns, ${batch} in parallel: ${runner.summary(run.id)?.status}, ${(episodes / minutes).toFixed(1)} episodes/min, ${total.toFixed(1)} generated tokens/s of model time`,
    );
    await studio.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
