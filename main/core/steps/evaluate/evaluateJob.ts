// Evaluate: every chosen checkpoint (and the base, and the expert when asked) plays the same held-out levels
// of one game with the native engine; the base is loaded once and each checkpoint is a LoRA over it. Per
// policy: success rate with its 95 % Wilson interval, mean return and turns, invalid-action and format-valid
// rates, tokens/s. The result is a project artifact whose inputs are the base and every checkpoint.
// Stopped, it resumes: finished (policy, level) episodes are kept in episodes.jsonl and not replayed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { EvaluateConfig, type Artifact, type EvaluationResult, type PolicyScore } from '../../../../preload/contract';
import type { JobContext, JobDefinition } from '../../jobs/types';
import { artifactDir } from '../../project/layout';
import { CancelledError, StudioError } from '../../util/errors';
import { checkAdapterBase } from '../../models/checkBase';
import { getGame } from '../../games';
import { engineActor, loadEngineModel, type LoadedEngineModel } from '../../policies/enginePolicy';
import { GamePool } from '../../games/worker/gamePool';
import { type EpisodeRecord, playEpisode } from './episode';
import { appendEpisode, readEpisodes, readThroughput, RESULT_FILE, writeThroughput } from './episodesFile';
import { overlapNote, trainingSeeds } from './heldOut';
import { scoreEpisodes } from './stats';

type Config = z.output<typeof EvaluateConfig>;

interface PolicySpec {
  key: string;
  label: string;
  kind: PolicyScore['kind'];
  artifactId: string | null;
  step: number | null;
  adapterDir: string | null;
}

function policiesOf(ctx: JobContext<Config>): { base: Artifact; policies: PolicySpec[] } {
  const c = ctx.config;
  const base = ctx.input(c.baseArtifactId, 'base', ['base-model', 'merged-model'], 'a model folder');
  const policies: PolicySpec[] = [];
  if (c.includeExpert) policies.push({ key: 'expert', label: 'expert', kind: 'expert', artifactId: null, step: null, adapterDir: null });
  if (c.includeBase) policies.push({ key: 'base', label: `${base.name} (base)`, kind: 'base', artifactId: base.id, step: null, adapterDir: null });
  for (const id of new Set(c.checkpoints)) {
    const a = ctx.input(id, 'checkpoint', ['adapter'], 'a LoRA adapter (a checkpoint of a run)');
    checkAdapterBase(ctx.project, base, a);
    const step = typeof a.meta.step === 'number' ? a.meta.step : null;
    policies.push({ key: a.id, label: a.name, kind: 'adapter', artifactId: a.id, step, adapterDir: a.path });
  }
  return { base, policies };
}

/** The best engine policy: highest success rate, then mean return, then fewest invalid actions. */
export function bestOf(scores: readonly PolicyScore[]): string | null {
  const ranked = scores
    .filter((s) => s.kind !== 'expert' && s.episodes > 0)
    .sort((a, b) => b.successRate - a.successRate || b.meanReturn - a.meanReturn || a.invalidActionRate - b.invalidActionRate);
  return ranked[0]?.key ?? null;
}

export const evaluateJob: JobDefinition<Config> = {
  kind: 'evaluate.run',
  step: 'train',
  schema: EvaluateConfig as unknown as z.ZodType<Config>,
  pausable: true,
  title: (c) =>
    `${c.resumeEvaluationId ? 'Resume evaluation' : 'Evaluate'}: ${c.checkpoints.length} checkpoint(s)${c.includeBase ? ' + base' : ''}${c.includeExpert ? ' + expert' : ''} on ${c.levels} ${c.game} levels`,
  async run(ctx) {
    const c = ctx.config;
    const game = getGame(c.game);
    const settings = game.parseSettings(c.settings);
    const { base, policies } = policiesOf(ctx);
    const evaluationId = c.resumeEvaluationId ?? ctx.runId;
    const dir = join(artifactDir(ctx.project.dir, 'file'), `evaluation-${evaluationId.slice(0, 8)}`);
    if (c.resumeEvaluationId && !existsSync(dir)) throw new StudioError('bad_input', `evaluation ${evaluationId.slice(0, 8)} has no folder (${dir}) to resume from`);
    mkdirSync(dir, { recursive: true });
    const seeds = Array.from({ length: c.levels }, (_, k) => c.seed + k);
    const overlap = overlapNote(seeds, trainingSeeds(ctx.project, c.checkpoints, c.game), c.checkpoints.length);
    ctx.log(overlap.seeds.length ? 'warn' : 'info', `levels: seeds ${seeds[0]}–${seeds.at(-1)}; ${overlap.note}`);
    const keys = new Set(policies.map((p) => p.key));
    const kept = readEpisodes(dir).filter((e) => keys.has(e.policy) && seeds[e.level] === e.seed);
    const done = new Set(kept.map((e) => `${e.policy}:${e.level}`));
    const throughput = readThroughput(dir);
    const total = policies.length * c.levels;
    let finished = done.size;
    if (c.resumeEvaluationId) ctx.log('info', `resuming evaluation ${evaluationId.slice(0, 8)}: ${done.size} of ${total} episodes already played`);
    const needsEngine = policies.some((p) => p.kind !== 'expert' && seeds.some((_, k) => !done.has(`${p.key}:${k}`)));
    let model: LoadedEngineModel | null = null;
    if (needsEngine) {
      model = await loadEngineModel(base.path, c.device, c.dtype);
      const host = model.host;
      ctx.log(
        'info',
        `engine process ${host.pid}: ${base.name} (${(model.parameters / 1e6).toFixed(1)} M parameters), ${model.dtype} on ${model.device}, ${c.temperature > 0 ? `sampled (temperature ${c.temperature}, top-p ${c.topP}, seed ${c.seed})` : 'greedy'}`,
      );
      // A cancel ends the process at once rather than after the generate call in flight.
      ctx.signal.addEventListener('abort', () => void host.close(), { once: true });
    }
    const pool = new GamePool(c.concurrency);
    try {
      for (const p of policies) {
        const toPlay = seeds.map((seed, level) => ({ seed, level })).filter((x) => !done.has(`${p.key}:${x.level}`));
        if (!toPlay.length) continue;
        ctx.throwIfCancelled();
        const actor = p.kind === 'expert' ? null : await engineActor(model!, p.adapterDir, { ...c, concurrency: c.concurrency, seed: c.seed });
        const before = { ...(throughput[p.key] ?? { newTokens: 0, modelMs: 0 }) };
        const record = (e: EpisodeRecord): void => {
          appendEpisode(dir, e);
          if (actor) {
            const t = actor.throughput();
            throughput[p.key] = { newTokens: before.newTokens + t.newTokens, modelMs: before.modelMs + t.modelMs };
            writeThroughput(dir, throughput);
          }
          finished++;
          ctx.progress(finished / total, `${finished}/${total} episodes (${p.label})`);
        };
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < toPlay.length && !ctx.signal.aborted) {
            const x = toPlay[next++]!;
            record(await playEpisode({ game, settings, historyTurns: c.historyTurns, policy: p.key, level: x.level, seed: x.seed }, actor?.act ?? 'expert', pool, ctx.signal));
          }
        };
        try {
          await Promise.all(Array.from({ length: Math.min(c.concurrency, toPlay.length) }, worker));
        } catch (err) {
          if (ctx.signal.aborted) throw new CancelledError();
          throw err;
        }
        ctx.log('info', `${p.label}: ${toPlay.length} episodes played`);
      }
    } finally {
      await pool.close();
      await model?.host.close();
    }
    ctx.throwIfCancelled();
    const episodes = readEpisodes(dir).filter((e) => keys.has(e.policy) && seeds[e.level] === e.seed);
    const scores: PolicyScore[] = policies.map((p) => {
      // The first record of a (policy, level): a crash between append and progress cannot count it twice.
      const mine = [...new Map(episodes.filter((e) => e.policy === p.key).map((e) => [e.level, e] as const)).values()];
      const t = throughput[p.key];
      return {
        key: p.key,
        label: p.label,
        kind: p.kind,
        artifactId: p.artifactId,
        step: p.step,
        ...scoreEpisodes(mine),
        tokensPerS: t && t.modelMs > 0 ? (t.newTokens / t.modelMs) * 1000 : null,
      };
    });
    const result: EvaluationResult = { evaluationId, game: c.game, seeds, overlap, policies: scores, best: bestOf(scores) };
    writeFileSync(join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    scores.forEach((s, i) => {
      ctx.metric('success_rate', i, s.successRate);
      ctx.metric('mean_return', i, s.meanReturn);
      ctx.log(
        'info',
        `${s.label}: ${s.wins}/${s.episodes} won (${(s.successRate * 100).toFixed(1)} %, 95 % CI ${(s.successLow * 100).toFixed(1)}–${(s.successHigh * 100).toFixed(1)} %), mean return ${s.meanReturn.toFixed(2)}, invalid actions ${(s.invalidActionRate * 100).toFixed(1)} %, format-valid ${(s.formatValidRate * 100).toFixed(1)} %, ${s.meanTurns.toFixed(1)} turns${s.tokensPerS !== null ? `, ${s.tokensPerS.toFixed(1)} tokens/s` : ''}`,
      );
    });
    const best = scores.find((s) => s.key === result.best);
    await ctx.addOutput({ path: dir, kind: 'file', name: c.name ?? `Evaluation ${c.game} × ${c.levels}`, meta: { evaluation: result } });
    ctx.progress(1, `${total} episodes; best: ${best ? `${best.label} (${(best.successRate * 100).toFixed(0)} %)` : '–'}`);
  },
};
