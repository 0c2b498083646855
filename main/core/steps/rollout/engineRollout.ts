// The engine policy inside a Rollout: the model and adapter resolved (project artifacts recorded as the
// run's inputs, or folders), loaded once, and its throughput on the job's metrics and progress line.
import { basename } from 'node:path';
import type { z } from 'zod';
import type { EnginePolicy } from '../../../../preload/contract';
import type { JobContext } from '../../jobs/types';
import { StudioError } from '../../util/errors';
import { checkAdapterBase } from '../../models/checkBase';
import { engineActor, loadEngineModel } from '../../policies/enginePolicy';
import type { Act } from '../../policies/types';

type Config = z.output<typeof EnginePolicy>;

/** The model folder and adapter folder (or null) a policy config names, checked against each other. */
export function resolveEngineFolders(ctx: JobContext<unknown>, p: Config): { modelDir: string; adapterDir: string | null; label: string } {
  const model = p.modelArtifactId ? ctx.input(p.modelArtifactId, 'policy', ['base-model', 'merged-model'], 'a model folder') : null;
  const modelDir = model?.path ?? p.modelDir;
  if (!modelDir) throw new StudioError('bad_input', 'choose the engine policy’s model: a base or merged model of the project, or a folder');
  const adapter = p.adapterArtifactId ? ctx.input(p.adapterArtifactId, 'adapter', ['adapter'], 'a LoRA adapter') : null;
  if (model && adapter) checkAdapterBase(ctx.project, model, adapter);
  const adapterDir = adapter?.path ?? p.adapterDir ?? null;
  const label = `${model?.name ?? basename(modelDir)}${adapterDir ? ` + ${adapter?.name ?? basename(adapterDir)}` : ''}`;
  return { modelDir, adapterDir, label };
}

export async function openEngineRolloutPolicy(ctx: JobContext<{ concurrency: number; seed: number }>, p: Config): Promise<{ act: Act; status(): string; close(): Promise<void> }> {
  const started = Date.now();
  const { modelDir, adapterDir, label } = resolveEngineFolders(ctx, p);
  const m = await loadEngineModel(modelDir, p.device, p.dtype);
  ctx.log('info', `engine process ${m.host.pid} holds ${label}`);
  // A cancel ends the process at once rather than after the generate call in flight.
  ctx.signal.addEventListener('abort', () => void m.host.close(), { once: true });
  let batches = 0;
  const actor = await engineActor(m, adapterDir, {
    ...p,
    concurrency: ctx.config.concurrency,
    seed: ctx.config.seed,
    onBatch: (s) => {
      batches++;
      if (s.decodeMs > 0) ctx.metric('tokens_per_s', batches, (s.newTokens / s.decodeMs) * 1000);
      ctx.metric('batch_size', batches, s.batch);
    },
  }).catch(async (err: unknown) => {
    await m.host.close();
    throw err;
  });
  ctx.log(
    'info',
    `engine policy ${label}: ${(m.parameters / 1e6).toFixed(1)} M parameters, ${m.dtype} on ${m.device}, ${p.temperature > 0 ? `sampled (temperature ${p.temperature}, top-p ${p.topP})` : 'greedy'}, up to ${p.maxBatch ?? ctx.config.concurrency} episodes per generate call`,
  );
  return {
    act: actor.act,
    status: () => {
      const t = actor.throughput();
      return t.batches ? `, ${t.tokensPerS.toFixed(0)} tokens/s` : '';
    },
    close: async () => {
      await m.host.close();
      const t = actor.throughput();
      if (!t.batches) return;
      ctx.metric('tokens_per_s_total', 0, t.tokensPerS);
      ctx.log(
        'info',
        `engine policy: ${t.newTokens} tokens generated in ${t.batches} generate calls, ${t.tokensPerS.toFixed(1)} tokens/s, ${((Date.now() - started) / 60_000).toFixed(2)} min`,
      );
    },
  };
}
