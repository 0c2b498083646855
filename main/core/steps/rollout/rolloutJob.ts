// Step 1's job: N tasks × M samples of a game, played turn by turn by a policy
// (the built-in expert or an OpenAI-compatible endpoint), every turn written as
// it happens. A cancelled or crashed rollout resumes where it stopped.
import { basename } from 'node:path';
import type { z } from 'zod';
import { RolloutConfig, type OnnxProviderChoice } from '../../../../preload/contract';
import type { TrajectoryStore } from '../../db/trajectories';
import type { JobContext, JobDefinition } from '../../jobs/types';
import { CancelledError, StudioError, errorMessage } from '../../util/errors';
import { nowIso } from '../../util/time';
import { rolloutFolderName, writeRolloutOutput } from './rolloutOutput';
import { getGame } from '../../games';
import { chatCompletion, userMessage } from './openai/chatClient';
import type { GameDefinition } from '../../games/types';
import type { Act } from '../../policies/types';
import { GamePool, WorkerEnv } from '../../games/worker/gamePool';
import { WorkerDiedError } from '../../util/workerThread';
import { openOnnxPolicy } from '../../policies/onnxPolicy';
import { openEngineRolloutPolicy } from './engineRollout';

type Config = z.output<typeof RolloutConfig>;

interface PolicyHandle {
  act: Act;
  close(): Promise<void>;
  /** A few words for the progress line (a local model's throughput). */
  status?(): string;
}

async function openPolicy(ctx: JobContext<Config>): Promise<PolicyHandle> {
  const c = ctx.config;
  const p = c.policy;
  if (p.type === 'expert') {
    // The solver runs in the game worker that owns the env (never on the UI's thread).
    const act: Act = (_game, env, _prompt, _frame, signal) => {
      if (!(env instanceof WorkerEnv)) throw new Error('the expert plays envs of the game worker');
      return env.expert(signal);
    };
    return { act, close: async () => {} };
  }
  if (p.type === 'onnx') return openOnnx(ctx, p);
  if (p.type === 'engine') return openEngineRolloutPolicy(ctx, p);
  const act: Act = (_game, _env, prompt, frame, signal) =>
    chatCompletion(
      { baseUrl: p.baseUrl, model: p.model, apiKey: p.apiKey, temperature: p.temperature, topP: p.topP, maxTokens: p.maxTokens, timeoutMs: p.timeoutMs, retries: p.retries },
      [userMessage(prompt, [frame])],
      signal,
    );
  return { act, close: async () => {} };
}

/** The local ONNX model, with its throughput on the job: tokens/s per batch, and a summary at the end. */
async function openOnnx(ctx: JobContext<Config>, p: Extract<Config['policy'], { type: 'onnx' }>): Promise<PolicyHandle> {
  const started = Date.now();
  let batches = 0;
  // An export the project holds: an ONNX model, or a model folder with its onnx/ (as the Rollout step lists them).
  if (p.artifactId) ctx.input(p.artifactId, 'policy', ['onnx-model', 'merged-model', 'base-model'], 'an ONNX export');
  const policy = await openOnnxPolicy(p, {
    concurrency: ctx.config.concurrency,
    seed: ctx.config.seed,
    onBatch: (s) => {
      batches++;
      const ms = s.prefillMs + s.decodeMs;
      if (ms > 0) ctx.metric('tokens_per_s', batches, (s.newTokens / ms) * 1000);
      ctx.metric('batch_size', batches, s.batch);
    },
  });
  const v = policy.vlm;
  ctx.log(
    'info',
    `ONNX policy ${v.exp.dir}: ${[...new Set(Object.values(v.exp.variants))].join('/')} graphs, ${v.provider} provider, up to ${p.maxBatch ?? ctx.config.concurrency} episodes per model call`,
  );
  return {
    act: policy.act,
    status: () => {
      const t = policy.throughput();
      return t.batches ? `, ${t.tokensPerS.toFixed(0)} tokens/s` : '';
    },
    close: async () => {
      const t = policy.throughput();
      const minutes = (Date.now() - started) / 60_000;
      if (t.batches) {
        ctx.metric('tokens_per_s_total', 0, t.tokensPerS);
        ctx.log(
          'info',
          `ONNX policy: ${t.newTokens} tokens generated in ${t.batches} model calls, ${t.tokensPerS.toFixed(1)} tokens/s (decode ${t.decodeTokensPerS.toFixed(1)}), ${(t.promptTokens / t.batches).toFixed(0)} prompt tokens per call, ${minutes.toFixed(2)} min`,
        );
      }
      await policy.close();
    },
  };
}

async function playOne(
  ctx: JobContext<Config>,
  store: TrajectoryStore,
  games: GamePool,
  game: GameDefinition,
  act: Act,
  rolloutId: string,
  task: number,
  sample: number,
): Promise<boolean> {
  const c = ctx.config;
  const seed = c.seed + task; // samples of one task share its level, as GRPO/GiGPO groups do
  const id = store.begin({
    rollout_id: rolloutId,
    run_id: ctx.runId,
    source: 'rollout',
    source_file: null,
    source_index: null,
    game: game.id,
    seed,
    task_index: task,
    sample_index: sample,
    created_at: nowIso(),
  });
  let env: WorkerEnv | null = null;
  try {
    // The env (stepping, drawing, PNG encoding) lives in a game worker thread; this thread records.
    env = await games.open({ game: game.id, settings: c.settings, seed, historyTurns: c.historyTurns }, ctx.signal);
    while (!env.done) {
      ctx.throwIfCancelled();
      const obs = env.observe();
      const prompt = env.prompt!;
      const turn = env.turn;
      const reply = await act(game, env, prompt, obs.png, ctx.signal, { task, sample, turn });
      const { parsed, result: r } = await env.play(reply.text, ctx.signal);
      const frameId = store.putFrame(obs.png, obs.width, obs.height);
      store.addTurn({
        trajectory_id: id,
        idx: turn,
        prompt,
        text_obs: obs.text,
        frame_id: frameId,
        reply: reply.text,
        think: parsed.think,
        action: r.action,
        action_valid: parsed.actionValid ? 1 : 0,
        format_valid: parsed.formatValid ? 1 : 0,
        reward: r.reward,
        done: r.done ? 1 : 0,
        won: r.won ? 1 : 0,
        effective: r.effective ? 1 : 0,
        prompt_tokens: reply.promptTokens,
        completion_tokens: reply.completionTokens,
        latency_ms: reply.latencyMs,
      });
    }
    store.finish(id, 'complete', env.won);
    return env.won;
  } catch (err) {
    if (err instanceof CancelledError || ctx.signal.aborted) throw err; // stays 'running': a resume replays it
    store.finish(id, 'error', false, errorMessage(err));
    throw err;
  } finally {
    env?.close();
  }
}

function policyName(p: Config['policy']): string {
  if (p.type === 'expert') return 'expert';
  if (p.type === 'engine') return `engine ${p.modelDir ? basename(p.modelDir) : 'model'}${p.adapterArtifactId || p.adapterDir ? ' + adapter' : ''}`;
  return p.type === 'onnx' ? `ONNX ${basename(p.modelDir)}` : p.model;
}

export const rolloutJob: JobDefinition<Config> = {
  kind: 'rollout.run',
  step: 'rollout',
  schema: RolloutConfig,
  pausable: true,
  title: (c) => `${c.resumeRolloutId ? 'Resume rollout' : 'Rollout'}: ${c.name ?? c.game} (${c.tasks} × ${c.samplesPerTask}, ${policyName(c.policy)})`,
  redact: (c) => (c.policy.type === 'openai' && c.policy.apiKey ? { ...c, policy: { ...c.policy, apiKey: '(redacted)' } } : c),
  async run(ctx) {
    const c = ctx.config;
    const game = getGame(c.game);
    game.parseSettings(c.settings); // bad settings fail here, naming the field
    const store = ctx.project.trajectories;
    const rolloutId = c.resumeRolloutId ?? ctx.runId;
    const done = store.doneKeys(rolloutId);
    const remaining: [number, number][] = [];
    for (let t = 0; t < c.tasks; t++) for (let s = 0; s < c.samplesPerTask; s++) if (!done.has(`${t}:${s}`)) remaining.push([t, s]);
    const total = c.tasks * c.samplesPerTask;
    ctx.log(
      'info',
      `${c.resumeRolloutId ? `resuming rollout ${rolloutId.slice(0, 8)}: ${done.size} already done, ` : ''}${remaining.length} trajectories to play with ${c.concurrency} in parallel`,
    );
    const games = new GamePool(c.concurrency);
    let policy: PolicyHandle;
    try {
      policy = await openPolicy(ctx);
    } catch (err) {
      await games.close();
      throw err;
    }
    const act = policy.act;
    let finished = done.size;
    let wins = 0;
    let played = 0;
    let errors = 0;
    let firstError: string | null = null;
    const next = (() => {
      let i = 0;
      return () => (i < remaining.length ? remaining[i++]! : null);
    })();
    const worker = async (): Promise<void> => {
      for (let item = next(); item; item = next()) {
        if (ctx.signal.aborted) return;
        try {
          if (await playOne(ctx, store, games, game, act, rolloutId, item[0], item[1])) wins++;
          played++;
        } catch (err) {
          if (err instanceof CancelledError || ctx.signal.aborted) return;
          if (err instanceof WorkerDiedError) throw err; // the job fails with why, not one episode after another
          errors++;
          firstError ??= errorMessage(err);
          ctx.log('warn', `task ${item[0]} sample ${item[1]}: ${errorMessage(err)}`);
          // An endpoint that fails everything is a failed job, not a thousand failed episodes.
          if (errors >= 3 && played === 0) throw new StudioError('rollout_failed', `the first ${errors} trajectories failed: ${firstError}`);
        }
        finished++;
        ctx.progress(finished / total, `${finished}/${total} trajectories, ${wins} won${errors ? `, ${errors} failed` : ''}${policy.status?.() ?? ''}`);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(c.concurrency, Math.max(1, remaining.length)) }, worker));
    } finally {
      await games.close(); // terminates a thread still busy with a cancelled episode
      await policy.close();
    }
    ctx.throwIfCancelled();
    const rows = store.byRollout(rolloutId);
    const complete = rows.filter((r) => r.status === 'complete');
    // A rollout whose every trajectory failed did not work: it fails with the reason, and nothing is registered.
    if (complete.length === 0 && errors > 0) throw new StudioError('rollout_failed', `all ${errors} trajectories failed: ${firstError}`);
    ctx.metric('trajectories', 0, complete.length);
    ctx.metric('success_rate', 0, complete.length ? complete.filter((r) => r.success).length / complete.length : 0);
    ctx.metric('errors', 0, rows.filter((r) => r.status === 'error').length);
    // The rollout as a portable file (JSON lines, frames embedded): the artifact later steps trace back to.
    // One folder per rollout id, written atomically; a resume reuses the complete one an interrupted run left.
    // Only finished trajectories go into the artifact: a failed one is not training data.
    await writeRolloutOutput(ctx, store, {
      rolloutId,
      folderName: rolloutFolderName(c.name ?? c.game, rolloutId),
      name: c.name ?? `${c.game} rollout`,
      ids: complete.map((r) => r.id),
      meta: { rolloutId, game: c.game, trajectories: complete.length, errors: rows.length - complete.length },
    });
    ctx.log(
      rows.length > complete.length ? 'warn' : 'info',
      `${complete.length} trajectories (${complete.filter((r) => r.success).length} won), ${rows.length - complete.length} failed and left out`,
    );
    if (rows.length > complete.length) ctx.progress(1, `${complete.length}/${total} trajectories, ${rows.length - complete.length} failed: ${firstError ?? 'see the log'}`);
  },
};

/**
 * The rollout job as the studio registers it: an ONNX policy that leaves the provider to the app gets the
 * choice of the System page (read as the run starts), written into its config so the run records it.
 */
export function makeRolloutJob(onnxProvider: () => OnnxProviderChoice): JobDefinition<Config> {
  return {
    ...rolloutJob,
    prepare: (c) => (c.policy.type === 'onnx' && c.policy.provider === null ? { ...c, policy: { ...c.policy, provider: onnxProvider() } } : c),
  };
}
