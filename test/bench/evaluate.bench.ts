// Benchmark (run by hand): the engine policy against transformers' generate on the same tiny real-layout
// Qwen3-VL and the same prompts, on the CPU. The engine side is a real Evaluate job (base only, greedy,
// Sokoban): episodes/min of wall time (game, encoding and generation together) and tokens/s of its
// generate calls, one episode at a time and four in parallel (batched). The transformers side generates
// every turn prompt of the one-at-a-time evaluation, one call each (HF_HUB_OFFLINE, eager attention),
// timed per call; its episodes/min counts generation time only (the games cost it nothing), which
// flatters it a little. Printed: both figures and the ratios.
//   npx vitest run --config test/bench/vitest.config.ts test/bench/evaluate.bench.ts
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../../preload/contract';
import { userTurnContent } from '../../main/core/model/chat';
import { collate, encodePrompt } from '../../main/core/model/encode';
import { loadTextSide } from '../../main/core/model/templateAndTokenizer';
import type { EpisodeRecord } from '../../main/core/steps/evaluate/episode';
import { getGame } from '../../main/core/games';
import { writeBatchFile } from '../helpers/liveBatch';
import { runPython } from '../helpers/python';
import { fileScopedDir, makeTinyModel, projectWith } from '../helpers/tinyEngineModel';

const root = fileScopedDir();
afterAll(() => root.remove());
const LEVELS = 6;
const MAX_NEW = 24;
const settings = { maxTurns: 3, fitTurnLimit: false };
const EOS = [151645, 151643];
const PLACEHOLDERS = [151652, 151653, 151655, 151656];

describe('evaluate: engine policy vs transformers generate (CPU)', () => {
  it('episodes/min and tokens/s', async () => {
    const model = await makeTinyModel(join(root.dir, 'tiny'));
    const env = await projectWith(root.dir, model, []);
    const evaluate = async (concurrency: number) => {
      const t0 = performance.now();
      const r = env.runner.start(
        'evaluate.run' as never,
        { baseArtifactId: env.base.id, includeBase: true, game: 'sokoban', settings, levels: LEVELS, seed: 7000, concurrency, maxTokens: MAX_NEW } as never,
      );
      await env.runner.idle();
      const secs = (performance.now() - t0) / 1000;
      const out = env.project.store.runOutputs(r.id)[0]!;
      const dir = join(env.project.dir, out.path);
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as EvaluationResult;
      const episodes = readFileSync(join(dir, 'episodes.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as EpisodeRecord);
      return { secs, result, episodes };
    };
    const one = await evaluate(1);
    const four = await evaluate(4);
    // Every turn prompt the one-at-a-time evaluation saw, rebuilt by replaying its episodes.
    const game = getGame('sokoban');
    const text = loadTextSide(model);
    const files: string[] = [];
    const engineTokens: number[] = [];
    for (const e of [...one.episodes].sort((a, b) => a.level - b.level)) {
      const g = game.create(game.parseSettings(settings), e.seed);
      let obs = g.reset();
      const history: { turn: number; action: string | null; reward: number; effective: boolean }[] = [];
      for (const s of e.steps) {
        const prompt = game.buildPrompt(g, { historyTurns: 0, history });
        const enc = encodePrompt([{ role: 'user', content: userTurnContent(prompt, true)! }], [obs.png], text);
        const file = join(root.dir, `turn-${files.length}.safetensors`);
        writeBatchFile(file, collate([enc], 151643));
        files.push(file);
        engineTokens.push(s.completionTokens ?? 0);
        const turn = g.turn;
        const r = g.step(game.parseReply(s.reply).action);
        history.push({ turn, action: r.action, reward: r.reward, effective: r.effective });
        obs = r.observation;
      }
    }
    const threads = cpus().length;
    const hf = (
      await runPython<{ tokens: number[][]; seconds: number[] }>('bench_generate.py', { model, batches: files, max_new: MAX_NEW, eos: EOS, suppress: PLACEHOLDERS, threads })
    ).result;
    const hfSecs = hf.seconds.reduce((a, b) => a + b, 0);
    const hfTokens = hf.tokens.reduce((n, t) => n + t.length, 0);
    const sameLength = hf.tokens.filter((t, i) => t.filter((x) => !EOS.includes(x)).length === engineTokens[i]).length;
    const epm = (n: number, s: number) => (n / s) * 60;
    const figures = {
      cpuThreads: threads,
      turns: files.length,
      engine1: { episodesPerMin: epm(LEVELS, one.secs), tokensPerS: one.result.policies[0]!.tokensPerS },
      engine4: { episodesPerMin: epm(LEVELS, four.secs), tokensPerS: four.result.policies[0]!.tokensPerS },
      transformers: { episodesPerMin: epm(LEVELS, hfSecs), tokensPerS: hfTokens / hfSecs },
      turnsWithSameReplyLength: `${sameLength}/${files.length}`,
    };
    console.log(`[bench] evaluate: ${JSON.stringify(figures, null, 1)}`);
    console.log(
      `[bench] engine/transformers: episodes/min ×${(figures.engine1.episodesPerMin / figures.transformers.episodesPerMin).toFixed(2)} (one at a time), ×${(figures.engine4.episodesPerMin / figures.transformers.episodesPerMin).toFixed(2)} (4 batched); tokens/s ×${((figures.engine1.tokensPerS ?? 0) / figures.transformers.tokensPerS).toFixed(2)} (one at a time), ×${((figures.engine4.tokensPerS ?? 0) / figures.transformers.tokensPerS).toFixed(2)} (4 batched)`,
    );
    expect(figures.transformers.tokensPerS).toBeGreaterThan(0);
    await env.studio.dispose();
  });
});
