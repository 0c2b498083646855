// The Evaluate job, live: a tiny real-layout Qwen3-VL (transformers wrote it) with two PEFT adapters standing
// for checkpoints of a run whose training data came from an expert rollout (lineage made through the real
// runner). Every policy plays the same levels; the numbers in result.json are recomputed here from the
// stored episodes; levels that the training rollout played are named; a paused evaluation resumes without
// replaying what it finished and ends with the numbers of an uninterrupted one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EvaluationResult, RunDetail } from '../../../../preload/contract';
import type { JobDefinition } from '../../../../main/core/jobs/types';
import { lineageOf } from '../../../../main/core/lineage/lineage';
import { engineState } from '../../../../main/core/native/engine';
import type { EpisodeRecord } from '../../../../main/core/steps/evaluate/episode';
import { fileScopedDir, makePeftAdapter, makeTinyModel, projectWith } from '../../../helpers/tinyEngineModel';

const run = engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const settings = { maxTurns: 2, fitTurnLimit: false };
const root = fileScopedDir();
let env: Awaited<ReturnType<typeof projectWith>>;
let checkpoints: string[] = [];

/** Stands for a training run: its inputs are the trajectories, its outputs the given adapter folders. */
const fakeTrain: JobDefinition<{ trajectoriesId: string; dirs: string[] }> = {
  kind: 'test.fakeTrain',
  step: 'train',
  schema: z.object({ trajectoriesId: z.string(), dirs: z.array(z.string()) }),
  title: () => 'fake train',
  async run(ctx) {
    ctx.input(ctx.config.trajectoriesId, 'dataset', ['trajectories']);
    for (const [i, dir] of ctx.config.dirs.entries()) await ctx.addOutput({ path: dir, kind: 'adapter', name: `run step ${(i + 1) * 10}`, meta: { step: (i + 1) * 10 } });
  },
};

beforeAll(async () => {
  if (!engineState().loaded) return;
  const model = await makeTinyModel(join(root.dir, 'tiny'));
  const dirs = [await makePeftAdapter(model, join(root.dir, 'a10'), 21), await makePeftAdapter(model, join(root.dir, 'a20'), 22)];
  env = await projectWith(root.dir, model, []);
  const { runner, project } = env;
  runner.register(fakeTrain);
  const r = runner.start('rollout.run', { game: 'sokoban', settings, tasks: 2, seed: 500, concurrency: 2 });
  await runner.idle();
  const traj = project.store.runOutputs(r.id)[0]!;
  const t = runner.start('test.fakeTrain' as never, { trajectoriesId: traj.id, dirs } as never);
  await runner.idle();
  checkpoints = project.store.runOutputs(t.id).map((a) => a.id);
}, 300_000);
afterAll(async () => {
  await env?.studio.dispose();
  root.remove();
});

const config = (levels: number, extra: Record<string, unknown> = {}) => ({
  baseArtifactId: env.base.id,
  checkpoints,
  includeBase: true,
  includeExpert: true,
  game: 'sokoban',
  settings,
  levels,
  seed: 499,
  concurrency: 3,
  maxTokens: 8,
  ...extra,
});
const outputOf = (runId: string) => {
  const a = env.project.store.runOutputs(runId)[0]!;
  const dir = join(env.project.dir, a.path);
  return {
    artifact: a,
    result: JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as EvaluationResult,
    episodes: readFileSync(join(dir, 'episodes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EpisodeRecord),
  };
};
const detail = (id: string) => env.studio.api.handle('jobs.get', { runId: id }) as Promise<RunDetail>;

describe('evaluate job', () => {
  run(
    'plays every policy on the same levels; the stored numbers are the episodes’ own; overlap with training seeds is said; lineage to each checkpoint',
    async () => {
      const r = env.runner.start('evaluate.run' as never, config(3) as never);
      await env.runner.idle();
      const d = await detail(r.id);
      expect([d.run.status, d.run.error]).toEqual(['succeeded', null]);
      const { artifact, result, episodes } = outputOf(r.id);
      expect(result.policies.map((p) => p.key)).toEqual(['expert', 'base', ...checkpoints]);
      expect(result.seeds).toEqual([499, 500, 501]);
      expect(result.overlap.seeds).toEqual([500, 501]);
      expect(d.logs.some((l) => l.level === 'warn' && /2 of the 3 levels \(seeds 500, 501\) were played by the training data/.test(l.message))).toBe(true);
      expect(episodes).toHaveLength(4 * 3);
      for (const p of result.policies) {
        const mine = episodes.filter((e) => e.policy === p.key);
        expect(mine.map((e) => e.seed).sort()).toEqual([499, 500, 501]);
        const steps = mine.flatMap((e) => e.steps);
        const wins = mine.filter((e) => e.won).length;
        expect(p.episodes).toBe(3);
        expect(p.wins).toBe(wins);
        expect(p.successRate).toBeCloseTo(wins / 3, 12);
        expect(p.meanReturn).toBeCloseTo(steps.reduce((s, t) => s + t.reward, 0) / 3, 9);
        expect(p.meanTurns).toBeCloseTo(steps.length / 3, 12);
        expect(p.invalidActionRate).toBeCloseTo(steps.filter((t) => !t.actionValid).length / steps.length, 12);
        expect(p.formatValidRate).toBeCloseTo(steps.filter((t) => t.formatValid).length / steps.length, 12);
        expect(p.successLow).toBeLessThanOrEqual(p.successRate);
        expect(p.successHigh).toBeGreaterThanOrEqual(p.successRate);
        if (p.kind === 'expert') {
          expect(p.formatValidRate).toBe(1);
          expect(p.tokensPerS).toBeNull();
        } else expect(p.tokensPerS).toBeGreaterThan(0);
      }
      // The checkpoints differ from the base (their LoRA is not zero): some reply differs.
      const replies = (key: string) =>
        episodes
          .filter((e) => e.policy === key)
          .sort((a, b) => a.level - b.level)
          .map((e) => e.steps.map((s) => s.reply));
      expect(replies(checkpoints[0]!)).not.toEqual(replies('base'));
      expect(result.best).not.toBe('expert');
      expect(
        env.project.store
          .runInputs(r.id)
          .map((a) => a.id)
          .sort(),
      ).toEqual([env.base.id, ...checkpoints].sort());
      const tree = lineageOf(env.project, artifact.id);
      expect(tree.producedBy!.inputs.map((n) => n.artifact.id).sort()).toEqual([env.base.id, ...checkpoints].sort());
    },
    300_000,
  );

  run(
    'a paused evaluation resumes: finished episodes kept, none replayed, the numbers of an uninterrupted run',
    async () => {
      const cfg = config(4, { includeExpert: false, concurrency: 2 });
      const first = env.runner.start('evaluate.run' as never, cfg as never);
      // Pause once a few episodes are done.
      for (let i = 0; i < 600; i++) {
        const p = env.runner.summary(first.id).progress;
        if (p >= 4 / 12) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      env.runner.pause(first.id);
      await env.runner.idle();
      expect(env.runner.summary(first.id).status).toBe('paused');
      expect(env.project.store.runOutputs(first.id)).toHaveLength(0);
      const dir = join(env.project.dir, 'artifacts', 'files', `evaluation-${first.id.slice(0, 8)}`);
      const kept = readFileSync(join(dir, 'episodes.jsonl'), 'utf8').trim().split('\n');
      expect(kept.length).toBeGreaterThanOrEqual(4);
      expect(kept.length).toBeLessThan(12);
      const resumed = env.runner.start('evaluate.run' as never, { ...cfg, resumeEvaluationId: first.id } as never);
      await env.runner.idle();
      const d = await detail(resumed.id);
      expect([d.run.status, d.run.error]).toEqual(['succeeded', null]);
      expect(d.logs.some((l) => l.message.includes(`${kept.length} of 12 episodes already played`))).toBe(true);
      const { result, episodes } = outputOf(resumed.id);
      expect(episodes).toHaveLength(12);
      expect(readFileSync(join(dir, 'episodes.jsonl'), 'utf8').trim().split('\n').slice(0, kept.length)).toEqual(kept);
      expect(new Set(episodes.map((e) => `${e.policy}:${e.level}`)).size).toBe(12);
      const fresh = env.runner.start('evaluate.run' as never, cfg as never);
      await env.runner.idle();
      const strip = (r: EvaluationResult) => r.policies.map(({ tokensPerS: _t, ...rest }) => rest);
      expect(strip(result)).toEqual(strip(outputOf(fresh.id).result));
    },
    300_000,
  );
});
