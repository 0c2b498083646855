// The Train form's fields (as typed) and the one TrainHyperParams built from them: the local run
// (train.run) and the cluster export (train.export) both send exactly this, so they cannot differ.
// Numbers are passed on as typed (NaN when not a number): the contract's schema refuses them, and
// the refusal comes back mapped to the field's path (lora.r, lr, …).
import type { z } from 'zod';
import { LORA_TARGETS, type TrainHyperParams } from '../../../../preload/contract';
import { num } from '../../wizard/fieldError';
import type { TrainPreset } from './presets';

export type TrainSettingsInput = z.input<typeof TrainHyperParams>;

export interface TrainFields {
  r: string; alpha: string; lr: string; warmupSteps: string; batchSize: string; gradAccum: string; epochs: string; maxSteps: string;
  saveEvery: string; evalEvery: string; samples: string; seed: string; onNonFinite: string; dtype: string; quant: string; optimizer: string;
  device: string; checkpointing: string; packing: string; packTokens: string; lossAverage: string;
}

export function fieldsOf(p: TrainPreset): TrainFields {
  return {
    r: String(p.r), alpha: String(p.alpha), lr: String(p.lr), warmupSteps: String(p.warmupSteps), batchSize: String(p.batchSize), gradAccum: String(p.gradAccum),
    epochs: '1', maxSteps: p.maxSteps, saveEvery: '50', evalEvery: '0', samples: '3', seed: '0', onNonFinite: 'fail', dtype: p.dtype, quant: p.quant, optimizer: p.optimizer, device: p.device,
    checkpointing: p.gradientCheckpointing ? 'on' : 'off', packing: 'off', packTokens: '4096', lossAverage: p.lossAverage,
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
