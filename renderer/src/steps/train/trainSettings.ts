// The Train form's fields (as typed) and the one TrainHyperParams built from them: the local run
// (train.run) and the cluster export (train.export) both send exactly this, so they cannot differ;
// the memory estimate reads the same fields. Numbers are passed on as typed (NaN when not a number):
// the contract's schema refuses them before anything is sent, naming the field's path (lora.r, lr, …).
import type { z } from 'zod';
import { LORA_TARGETS, type Params, type TrainHyperParams } from '../../../../preload/contract';
import { num } from '../../wizard/fieldError';
import type { TrainPreset } from './presets';

export type TrainSettingsInput = z.input<typeof TrainHyperParams>;

export interface TrainFields {
  r: string;
  alpha: string;
  lr: string;
  warmupSteps: string;
  batchSize: string;
  gradAccum: string;
  epochs: string;
  maxSteps: string;
  saveEvery: string;
  evalEvery: string;
  samples: string;
  seed: string;
  onNonFinite: string;
  dtype: string;
  quant: string;
  optimizer: string;
  device: string;
  checkpointing: string;
  packing: string;
  packTokens: string;
  lossAverage: string;
}

export function fieldsOf(p: TrainPreset): TrainFields {
  return {
    r: String(p.r),
    alpha: String(p.alpha),
    lr: String(p.lr),
    warmupSteps: String(p.warmupSteps),
    batchSize: String(p.batchSize),
    gradAccum: String(p.gradAccum),
    epochs: '1',
    maxSteps: p.maxSteps,
    saveEvery: '50',
    evalEvery: '0',
    samples: '3',
    seed: '0',
    onNonFinite: 'fail',
    dtype: p.dtype,
    quant: p.quant,
    optimizer: p.optimizer,
    device: p.device,
    checkpointing: p.gradientCheckpointing ? 'on' : 'off',
    packing: 'off',
    packTokens: '4096',
    lossAverage: p.lossAverage,
  };
}

export function trainSettings(f: TrainFields): TrainSettingsInput {
  return {
    lora: { r: num(f.r), alpha: num(f.alpha), dropout: 0, rslora: false, targets: [...LORA_TARGETS] },
    lr: num(f.lr),
    warmupSteps: num(f.warmupSteps),
    batchSize: num(f.batchSize),
    gradAccum: num(f.gradAccum),
    epochs: num(f.epochs),
    ...(f.maxSteps.trim() ? { maxSteps: num(f.maxSteps) } : {}),
    saveEvery: num(f.saveEvery),
    evalEvery: num(f.evalEvery),
    samples: num(f.samples),
    seed: num(f.seed),
    onNonFinite: f.onNonFinite as TrainHyperParams['onNonFinite'],
    dtype: f.dtype as TrainHyperParams['dtype'],
    quant: f.quant as TrainHyperParams['quant'],
    optimizer: f.optimizer as TrainHyperParams['optimizer'],
    device: f.device.trim(),
    gradientCheckpointing: f.checkpointing === 'on',
    lossAverage: f.lossAverage as TrainHyperParams['lossAverage'],
    packing: f.packing === 'on',
    ...(f.packing === 'on' ? { packTokens: num(f.packTokens) } : {}),
  };
}

type TrainRunConfig = Extract<Params<'jobs.start'>, { kind: 'train.run' }>['config'];
type TrainExportConfig = Extract<Params<'jobs.start'>, { kind: 'train.export' }>['config'];

/** A local run (train.run): the chosen base and dataset, an optional name and start-from adapter, and the settings. */
export function trainRunConfig(c: { base: string; dataset: string; name: string; initAdapter: string }, f: TrainFields): TrainRunConfig {
  return {
    baseArtifactId: c.base,
    datasetArtifactId: c.dataset,
    ...(c.name.trim() ? { name: c.name.trim() } : {}),
    ...trainSettings(f),
    ...(c.initAdapter ? { initAdapterFrom: c.initAdapter } : {}),
  };
}

/** The cluster export (train.export) of the same settings. */
export function trainExportConfig(
  c: { dataset: string; baseModel: string; strategy: TrainExportConfig['strategy']; gpus: string; nodes: string },
  f: TrainFields,
): TrainExportConfig {
  return { datasetArtifactId: c.dataset, baseModel: c.baseModel.trim(), train: trainSettings(f), strategy: c.strategy, gpus: num(c.gpus), nodes: num(c.nodes) };
}

/** What the memory estimate asks about while the fields are being typed: numbers held to at least 1, so it always has an answer. */
export function estimateParams(base: string, dataset: string, f: TrainFields): Params<'train.estimate'> | null {
  if (!base) return null;
  return {
    baseArtifactId: base,
    ...(dataset ? { datasetArtifactId: dataset } : {}),
    lora: { r: Math.max(1, Math.round(Number(f.r)) || 1), alpha: Math.max(1, Number(f.alpha) || 1), dropout: 0, rslora: false, targets: [...LORA_TARGETS] },
    dtype: f.dtype as TrainHyperParams['dtype'],
    quant: f.quant as TrainHyperParams['quant'],
    optimizer: f.optimizer as TrainHyperParams['optimizer'],
    batchSize: Math.max(1, Math.round(Number(f.batchSize)) || 1),
    gradientCheckpointing: f.checkpointing === 'on',
  };
}
