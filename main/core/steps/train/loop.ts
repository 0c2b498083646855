// The training loop, run inside the trainer worker process: a deterministic
// data order per epoch (seeded), gradient accumulation, validation loss,
// checkpoints (PEFT adapter + optimizer state) and resume from a checkpoint.
// The data position is a function of the step, so a resumed run reads exactly
// the samples the interrupted one would have read next.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { TrainConfig } from '../../../../preload/contract/train';
import { collate, collatePacked, encodeConversation, encodePrompt, packRows, type EngineBatch } from '../../model/encode';
import { BANNED_IN_SAMPLES } from '../../model/chat';
import { loadTextSide } from '../../model/templateAndTokenizer';
import { openEngine } from '../../native/engine';
import { writeAdapterConfig } from './adapterFolder';
import { ParquetSamples } from './dataset';
import { mulberry32 } from '../../util/random';
import { buildFolder } from '../../util/atomicWrite';

export type TrainSettings = z.output<typeof TrainConfig>;

export interface LoopInput {
  modelDir: string;
  datasetDir: string;
  outDir: string;
  settings: TrainSettings;
  /** The base's Hub id, written as the adapters' base_model_name_or_path; null: not known (the folder is written). */
  baseModelId?: string | null;
  /** A checkpoint folder of an earlier run to continue from. */
  resumeDir?: string;
  /** A PEFT adapter folder whose weights this run starts from. */
  initAdapterDir?: string;
}

export interface LoopEvents {
  metric(name: string, step: number, value: number): void;
  log(level: 'info' | 'warn', message: string): void;
  progress(fraction: number, message: string): void;
  checkpoint(c: { dir: string; step: number; metrics: Record<string, number> }): void;
}

export interface LoopResult {
  steps: number;
  stopped: boolean;
  finalLoss: number | null;
  validationLoss: number | null;
}

export const STATE_FILE = 'trainer_state.safetensors';

/** A NaN/inf loss or gradient norm, when the run's setting says to fail on it. */
export class NonFiniteError extends Error {}

/** "loss became NaN" / "grad_norm became inf" for the first non-finite value, else null. */
export function nonFiniteOf(values: Record<string, number>): string | null {
  for (const [name, v] of Object.entries(values)) if (!Number.isFinite(v)) return `${name} became ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf'}`;
  return null;
}
export const STATE_JSON = 'trainer_state.json';

/** A seeded shuffle: the same permutation for the same seed on every machine. */
export function permutation(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * The step's samples cut into micro-batches. Grouped by length, similar lengths share a micro-batch
 * and less padding is computed; the step's loss is the same (it is averaged over all target tokens).
 */
export function microBatches<T extends { inputIds: unknown[] }>(samples: T[], size: number, groupByLength: boolean): T[][] {
  const order = groupByLength ? [...samples].sort((a, b) => b.inputIds.length - a.inputIds.length) : samples;
  const out: T[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}

export function plannedSteps(rows: number, s: TrainSettings): number {
  const perStep = s.batchSize * s.gradAccum;
  return s.maxSteps ?? Math.max(1, Math.ceil((rows * s.epochs) / perStep));
}

export async function trainLoop(input: LoopInput, ev: LoopEvents, shouldStop: () => boolean): Promise<LoopResult> {
  const s = input.settings;
  const engine = openEngine();
  const text = loadTextSide(input.modelDir);
  const tok = text.tokenizer;
  if (!tok) throw new Error(`${input.modelDir}: tokenizer.json is missing`);
  const pad = tok.specialIds.get('<|endoftext|>') ?? 0;
  const infoFile = join(input.datasetDir, 'dataset_info.json');
  const info = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as { target?: string; settings?: { labels?: 'assistant' | 'all' } }) : {};
  if (info.target && info.target !== 'trl') throw new Error(`${input.datasetDir}: this dataset was converted for ${info.target}; convert it with the TRL target to train here`);
  const labels = info.settings?.labels ?? 'assistant';
  const train = await ParquetSamples.open(join(input.datasetDir, 'train.parquet'));
  if (train.length === 0) throw new Error(`${input.datasetDir}: train.parquet has no rows`);
  const valFile = join(input.datasetDir, 'validation.parquet');
  const val = existsSync(valFile) ? await ParquetSamples.open(valFile) : null;
  const total = plannedSteps(train.length, s);
  ev.log(
    'info',
    `${train.length} training samples${val ? `, ${val.length} validation` : ''}; ${total} steps of ${s.batchSize} × ${s.gradAccum} samples; labels on ${labels === 'all' ? 'the full sequence' : 'assistant turns'}`,
  );

  const model = await engine.load(input.modelDir, { dtype: s.dtype, device: s.device, quant: s.quant });
  ev.log(
    'info',
    `loaded ${input.modelDir} (${(model.parameters / 1e6).toFixed(1)} M parameters in ${(model.weightBytes / 1e6).toFixed(1)} MB, ${s.dtype}${s.quant === 'none' ? '' : `, ${s.quant} projections`}, ${s.device})`,
  );
  ev.metric('weights_mb', 0, model.weightBytes / 1e6);
  const lora = { r: s.lora.r, alpha: s.lora.alpha, dropout: s.lora.dropout, rslora: s.lora.rslora, targets: s.lora.targets, seed: s.seed };
  const trainer = model.createTrainer({
    lora,
    optim: {
      lr: s.lr,
      warmupSteps: s.warmupSteps,
      totalSteps: total,
      schedule: s.schedule,
      weightDecay: s.weightDecay,
      maxGradNorm: s.maxGradNorm,
      states8bit: s.optimizer === 'adamw-8bit',
      lossAverage: s.lossAverage,
    },
    gradientCheckpointing: s.gradientCheckpointing,
    ...(input.initAdapterDir && !input.resumeDir ? { initAdapter: join(input.initAdapterDir, 'adapter_model.safetensors') } : {}),
  });
  if (input.initAdapterDir && !input.resumeDir) ev.log('info', `LoRA weights start from the adapter ${input.initAdapterDir}`);
  if (s.lossAverage === 'micro-batch') ev.log('info', "loss averaged per micro-batch (as transformers' Trainer), not per token");
  let step = 0;
  if (input.resumeDir) {
    step = await trainer.loadState(join(input.resumeDir, STATE_FILE));
    ev.log('info', `resumed from ${input.resumeDir} at step ${step}`);
  }

  const orders = new Map<number, number[]>();
  const sampleAt = (pos: number): number => {
    const epoch = Math.floor(pos / train.length);
    if (!orders.has(epoch)) {
      orders.clear();
      orders.set(epoch, permutation(train.length, s.seed * 1_000_003 + epoch));
    }
    return orders.get(epoch)![pos % train.length]!;
  };
  const encode = async (i: number, from: ParquetSamples) => {
    const x = await from.get(i);
    return encodeConversation(x.messages, x.images, text, labels);
  };
  const validate = async (): Promise<number | null> => {
    if (!val || val.length === 0) return null;
    const batches: EngineBatch[] = [];
    for (let i = 0; i < val.length; i += s.batchSize) {
      const part = [];
      for (let k = i; k < Math.min(val.length, i + s.batchSize); k++) part.push(await encode(k, val));
      batches.push(collate(part, pad));
    }
    return (await trainer.evaluate(batches)).loss;
  };
  // A few held-out prompts answered by the current adapter, so progress can be read, not only plotted.
  // Batched with the engine's K/V cache; placeholder tokens (image/video/vision) are never sampled; any
  // failure is a warning: samples must never cost a run.
  const samplesFrom = val && val.length ? val : train;
  const stopIds = ['<|im_end|>', '<|endoftext|>'].map((t) => tok.specialIds.get(t)).filter((x): x is number => x !== undefined);
  const bannedIds = [...tok.specialIds.entries()].filter(([name]) => BANNED_IN_SAMPLES.includes(name)).map(([, id]) => id);
  const answerSamples = async (): Promise<void> => {
    if (s.samples <= 0) return;
    try {
      const picked: { i: number; prompt: ReturnType<typeof encodePrompt>; want: string }[] = [];
      for (let i = 0; i < Math.min(s.samples, samplesFrom.length); i++) {
        const x = await samplesFrom.get(i);
        const lastAssistant = x.messages.map((m) => m.role).lastIndexOf('assistant');
        if (lastAssistant <= 0) continue;
        const prompt = x.messages.slice(0, lastAssistant);
        const images = x.images.slice(
          0,
          prompt.reduce((n, m) => n + m.content.filter((p) => p.type === 'image').length, 0),
        );
        picked.push({ i, prompt: encodePrompt(prompt, images, text), want: x.messages[lastAssistant]!.content.map((p) => p.text ?? '').join('') });
      }
      if (!picked.length) return;
      const rows = await trainer.generate(
        collate(
          picked.map((p) => p.prompt),
          pad,
        ),
        { maxNewTokens: s.sampleMaxTokens, stopIds, bannedIds, padId: pad },
      );
      picked.forEach(({ i, want }, k) => {
        const answer = tok.decode([...rows[k]!].filter((t) => !stopIds.includes(t)));
        ev.log(
          'info',
          `sample ${i + 1} at step ${step}: ${JSON.stringify(answer)}${answer.trim() === want.trim() ? ' (matches the reference)' : ` (reference: ${JSON.stringify(want.slice(0, 200))})`}`,
        );
      });
    } catch (err) {
      ev.log('warn', `samples at step ${step} could not be generated (the run goes on): ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  let savedAt = -1;
  const save = async (dir: string, metrics: Record<string, number>): Promise<void> => {
    // A stop right after a periodic save keeps that checkpoint: one folder, one registration.
    if (savedAt === step) return;
    savedAt = step;
    await buildFolder(
      dir,
      async (tmp) => {
        await trainer.saveAdapter(join(tmp, 'adapter_model.safetensors'));
        writeAdapterConfig(tmp, lora, input.baseModelId ?? input.modelDir);
        await trainer.saveState(join(tmp, STATE_FILE));
        writeFileSync(join(tmp, STATE_JSON), `${JSON.stringify({ step, totalSteps: total, settings: s, metrics }, null, 2)}\n`);
      },
      { replace: true },
    );
    ev.checkpoint({ dir, step, metrics });
  };

  const perStep = s.batchSize * s.gradAccum;
  let last: number | null = null;
  let valLoss: number | null = null;
  let stopped = false;
  while (step < total) {
    if (shouldStop()) {
      stopped = true;
      break;
    }
    const started = Date.now();
    const samples = [];
    for (let k = 0; k < perStep; k++) samples.push(await encode(sampleAt(step * perStep + k), train));
    const micro = s.packing
      ? packRows(samples, s.packTokens).map((row) => collatePacked(row))
      : microBatches(samples, s.batchSize, s.groupByLength).map((part) => collate(part, pad));
    const seen = micro.reduce((n, b) => n + b.attentionMask.reduce((a, x) => a + (x > 0 ? 1 : 0), 0), 0);
    const r = await trainer.trainStep(micro);
    step = r.step;
    last = Number.isFinite(r.loss) ? r.loss : last;
    const secs = (Date.now() - started) / 1000;
    ev.metric('loss', step, r.loss);
    ev.metric('lr', step, r.lr);
    ev.metric('grad_norm', step, r.gradNorm);
    ev.metric('tokens_per_s', step, seen / Math.max(secs, 1e-6));
    ev.metric('rss_mb', step, process.memoryUsage().rss / 1e6);
    const bad = nonFiniteOf({ loss: r.loss, grad_norm: r.gradNorm });
    if (bad) {
      if (s.onNonFinite === 'fail') throw new NonFiniteError(`${bad} at step ${step}`);
      ev.log('warn', `${bad} at step ${step}; training goes on (the run's setting)`);
    }
    ev.progress(step / total, `step ${step}/${total}, loss ${r.loss.toFixed(4)}`);
    if (s.evalEvery > 0 && step % s.evalEvery === 0 && step < total) {
      valLoss = await validate();
      if (valLoss !== null) ev.metric('val_loss', step, valLoss);
      await answerSamples();
    }
    if (s.saveEvery > 0 && step % s.saveEvery === 0 && step < total) await save(join(input.outDir, `checkpoint-${step}`), { loss: r.loss });
  }
  if (!stopped) {
    valLoss = await validate();
    if (valLoss !== null) ev.metric('val_loss', step, valLoss);
  }
  // The last state is always saved, before any samples: a stopped run resumes from it, a finished one is the adapter.
  await save(join(input.outDir, `checkpoint-${step}`), {
    ...(last !== null ? { loss: last } : {}),
    ...(valLoss !== null && Number.isFinite(valLoss) ? { val_loss: valLoss } : {}),
  });
  if (!stopped) await answerSamples();
  return { steps: step, stopped, finalLoss: last, validationLoss: valLoss };
}
