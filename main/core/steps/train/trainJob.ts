// The Train step's job: forks the trainer worker, streams its metrics and logs
// into the run, registers every checkpoint as an adapter artifact (with its
// lineage to the base model and dataset) and a checkpoint row. Cancel asks
// the worker to stop after the current step and save a resumable checkpoint;
// a worker that dies (crash, out of memory) fails the run with the reason.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrainConfig } from '../../../../preload/contract/train';
import type { JobContext, JobDefinition } from '../../jobs/types';
import { hubIdOfModel } from '../../lineage/hubId';
import { artifactDir, folderSlug } from '../../project/layout';
import { StudioError, errorMessage } from '../../util/errors';
import { hashPath } from '../../util/hash';
import { appRoot } from '../../util/paths';
import { nowIso } from '../../util/time';
import { checkModelLayers } from '../../models/layerCheck';
import { deviceProblem } from '../../system/trainDevices';
import { loraOfAdapter } from '../../models/adapterLora';
import { type LoopInput, STATE_FILE, STATE_JSON, type TrainSettings } from './loop';
import { type ResumePoint, resolveResumeRun, writeRunMarker } from './resumeRun';
import { type JobMessage, WorkerMessage, readMessage, unhandled } from './trainerMessages';

/** Why a checkpoint folder is not a complete one (a save cut short), or null. */
export function checkpointProblem(dir: string): string | null {
  const missing = ['adapter_model.safetensors', 'adapter_config.json', STATE_FILE, STATE_JSON].filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return `${dir} is half-written (missing ${missing.join(', ')})`;
  try {
    const s = JSON.parse(readFileSync(join(dir, STATE_JSON), 'utf8')) as { step?: unknown };
    if (typeof s.step !== 'number') return `${join(dir, STATE_JSON)} records no step`;
  } catch (err) {
    return `${join(dir, STATE_JSON)} is not readable JSON (${errorMessage(err)})`;
  }
  return null;
}

export function workerPath(): string {
  return process.env.STUDIO_TRAIN_WORKER ?? join(appRoot(), 'out', 'main', 'trainWorker.js');
}

function startWorker(): ChildProcess {
  const file = workerPath();
  if (!existsSync(file)) throw new StudioError('not_built', `the trainer worker ${file} is missing; run 'npm run build'`);
  // Inside Electron, process.execPath is the Electron binary: run it as plain Node.
  return fork(file, [], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
}

function resolveInputs(ctx: JobContext<TrainSettings>, c: TrainSettings): LoopInput & { baseName: string; datasetName: string } {
  const noDevice = deviceProblem(c.device);
  if (noDevice) throw new StudioError('bad_input', noDevice);
  const base = ctx.input(c.baseArtifactId, 'base', ['base-model', 'merged-model'], 'a model folder');
  checkModelLayers(base.path); // config.json and the weights must agree on the layers, before a worker loads anything
  const dataset = ctx.input(c.datasetArtifactId, 'dataset', ['dataset-parquet'], 'a Parquet dataset from the Convert step');
  let resumeDir: string | undefined;
  if (c.resumeFrom) {
    const from = ctx.input(c.resumeFrom, 'resume', ['adapter'], 'a checkpoint with trainer state to resume from');
    if (!existsSync(join(from.path, STATE_FILE))) throw new StudioError('bad_input', `artifact '${from.name}' is not a checkpoint with trainer state to resume from`);
    const half = checkpointProblem(from.path);
    if (half) throw new StudioError('bad_input', `checkpoint '${from.name}' cannot be resumed from: ${half}`);
    resumeDir = from.path;
  }
  let settings = c;
  let initAdapterDir: string | undefined;
  if (c.initAdapterFrom && !c.resumeFrom) {
    const from = ctx.input(c.initAdapterFrom, 'init-adapter', ['adapter'], 'a LoRA adapter to start from (an imported PEFT adapter or a checkpoint)');
    settings = { ...c, lora: { ...c.lora, ...loraOfAdapter(from.path) } };
    initAdapterDir = from.path;
    ctx.log('info', `starting from adapter '${from.name}': r=${settings.lora.r}, alpha=${settings.lora.alpha}, targets ${settings.lora.targets.join(', ')}`);
  }
  const hub = hubIdOfModel(ctx.project, base);
  if (hub)
    ctx.log(
      'info',
      `adapters record their base as ${hub.id} (${hub.source === 'hf-cache' ? 'the Hugging Face cache it was loaded from' : hub.source === 'upload' ? 'the repo this merged model was uploaded to' : 'the Hub id given for it'})`,
    );
  else
    ctx.log('warn', `no Hub id is known for '${base.name}': its adapters record the local folder, and Upload will ask for the base's Hub id before anything leaves this machine`);
  const name = c.name ?? `${base.name}-lora`;
  // Named after the run, with a marker inside: a resume finds the checkpoints a kill kept it from registering.
  const outDir = ctx.ownOutput(join(artifactDir(ctx.project.dir, 'adapter'), `${folderSlug(name)}-${ctx.runId.slice(0, 8)}`));
  mkdirSync(outDir, { recursive: true });
  writeRunMarker(outDir, ctx.runId);
  return {
    modelDir: base.path,
    baseModelId: hub?.id ?? null,
    datasetDir: dataset.path,
    outDir,
    settings,
    resumeDir,
    initAdapterDir,
    baseName: base.name,
    datasetName: dataset.name,
  };
}

export const trainJob: JobDefinition<TrainSettings> = {
  kind: 'train.run',
  step: 'train',
  schema: TrainConfig,
  pausable: true,
  title: (c) => `Train LoRA r=${c.lora.r}${c.name ? ` '${c.name}'` : ''}${c.resumeFrom || c.resumeRunId ? ' (resumed)' : ''}`,
  async run(ctx) {
    // A run to resume: its newest complete checkpoint, chosen here so the CLI and the UI resume alike.
    let point: ResumePoint | null = null;
    if (ctx.config.resumeRunId && !ctx.config.resumeFrom) {
      point = await resolveResumeRun(ctx.project, ctx.config.resumeRunId, (level, m) => ctx.log(level, m));
      ctx.log('info', `resuming run ${ctx.config.resumeRunId.slice(0, 8)} from its newest complete checkpoint, step ${point.step} (${point.dir})`);
    }
    const config = point ? { ...ctx.config, resumeFrom: point.artifactId } : ctx.config;
    const input = resolveInputs(ctx, config);
    const { baseName, datasetName, ...loop } = input;
    ctx.log('info', `training on '${datasetName}' from '${baseName}' into ${input.outDir}`);
    if (point) continueCharts(ctx, point.artifactId, point.chartsFrom, point.step);
    else if (config.resumeFrom) continueCharts(ctx, config.resumeFrom);
    const child = startWorker();
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout?.on('data', (d: Buffer) => ctx.log('debug', d.toString().trimEnd()));
    const pending: Promise<unknown>[] = [];
    let done: Extract<WorkerMessage, { type: 'done' }> | null = null;
    let failure: string | null = null;
    const tell = (m: JobMessage): void => {
      if (child.connected) child.send(m);
    };
    // Nothing thrown while recording a message may escape (it would end the app): the run fails instead.
    // What arrives is checked first: a message outside the protocol stops the run and fails it, named.
    child.on('message', (raw: unknown) => {
      const read = readMessage(WorkerMessage, raw, 'the trainer process');
      if (!read.ok) {
        failure ??= read.problem;
        tell({ type: 'stop' });
        return;
      }
      const m = read.message;
      try {
        switch (m.type) {
          case 'metric':
            return ctx.metric(m.name, m.step, m.value);
          case 'log':
            return ctx.log(m.level, m.message);
          case 'progress':
            return ctx.progress(Math.min(0.99, m.fraction), m.message);
          case 'checkpoint':
            pending.push(
              registerCheckpoint(ctx, m, input.outDir).catch((err: unknown) => void (failure ??= `checkpoint at step ${m.step} could not be registered: ${errorMessage(err)}`)),
            );
            return;
          case 'done':
            done = m;
            return;
          case 'error':
            failure = m.message;
            return;
          default:
            unhandled(m);
        }
      } catch (err) {
        failure ??= `the run could not record the trainer's ${m.type}: ${errorMessage(err)}`;
        tell({ type: 'stop' });
      }
    });
    const onAbort = (): void => {
      ctx.log('info', 'stopping after the current step (a checkpoint is saved to resume from)');
      tell({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 120_000).unref();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      tell({ type: 'start', input: loop });
    });
    ctx.signal.removeEventListener('abort', onAbort);
    await Promise.all(pending);
    if (failure) throw new StudioError('train_failed', failure);
    if (!done) {
      const why = exit.signal === 'SIGKILL' ? 'it was killed (out of memory?)' : exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      throw new StudioError('train_crashed', `the trainer process ended without finishing: ${why}${stderr.trim() ? `\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`);
    }
    const d = done as Extract<WorkerMessage, { type: 'done' }>;
    ctx.progress(1, d.stopped ? `stopped at step ${d.steps}` : `${d.steps} steps, loss ${d.finalLoss?.toFixed(4) ?? '–'}`);
  },
};

async function registerCheckpoint(ctx: JobContext<TrainSettings>, m: Extract<WorkerMessage, { type: 'checkpoint' }>, outDir: string): Promise<void> {
  const name = `${outDir.split('/').pop()} step ${m.step}`;
  // Hashed here, not under the run's cancel signal: the checkpoint saved on cancel must be recorded too.
  const h = await hashPath(m.dir);
  const art = await ctx.addOutput({
    path: m.dir,
    kind: 'adapter',
    name,
    sha256: h.sha256,
    sizeBytes: h.sizeBytes,
    meta: { step: m.step, metrics: m.metrics, lora: ctx.config.lora, resumable: true },
  });
  ctx.project.store.insertCheckpoint({ id: randomUUID(), run_id: ctx.runId, artifact_id: art.id, step: m.step, metrics_json: JSON.stringify(m.metrics), created_at: nowIso() });
  ctx.log('info', `checkpoint at step ${m.step}: ${m.dir}`);
}

/** A resumed run's charts continue: the earlier run's metrics up to the checkpoint's step are this run's too. */
function continueCharts(ctx: JobContext<TrainSettings>, checkpointId: string, run?: string, step?: number): void {
  const cp = ctx.project.store.getArtifact(checkpointId);
  const from = run ?? cp?.produced_by_run_id;
  if (!cp || !from) return;
  const upTo = step ?? (JSON.parse(cp.meta_json) as { step?: number }).step ?? 0;
  let n = 0;
  for (const m of ctx.project.store.listMetrics(from)) {
    if (m.step > upTo || m.step === 0) continue;
    ctx.metric(m.name, m.step, m.value ?? (m.nonFinite === 'inf' ? Infinity : m.nonFinite === '-inf' ? -Infinity : Number.NaN));
    n++;
  }
  if (n) ctx.log('info', `charts continue from run ${from.slice(0, 8)} (steps 1–${upTo})`);
}
