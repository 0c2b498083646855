// Which device training can use on this machine, from the engine's libtorch
// (not the preset): the Train form's default and the job's refusal of a device
// that is not there, with a sentence instead of a libtorch stack trace.
import { engineState } from '../native/engine';

export interface TrainDevices {
  cuda: boolean;
  cudaDevices: number;
  /** What the Train form should start with. */
  default: 'cpu' | 'cuda';
  reason: string;
}

export function trainDevices(): TrainDevices {
  const e = engineState();
  if (!e.loaded) return { cuda: false, cudaDevices: 0, default: 'cpu', reason: `the training engine is not available (${e.error})` };
  const info = e.engine.info();
  if (!info.cuda || info.cudaDevices < 1)
    return {
      cuda: false,
      cudaDevices: 0,
      default: 'cpu',
      reason: `this machine has no usable CUDA device (the engine's libtorch ${info.torch} sees none), so training runs on the CPU`,
    };
  return { cuda: true, cudaDevices: info.cudaDevices, default: 'cuda', reason: `libtorch ${info.torch} sees ${info.cudaDevices} CUDA device(s)` };
}

/** Why `device` cannot be used here, or null when it can. */
export function deviceProblem(device: string, d: TrainDevices = trainDevices()): string | null {
  const m = /^cuda(?::(\d+))?$/.exec(device);
  if (!m) return null;
  if (!d.cuda) return `device '${device}' was chosen, but ${d.reason}: choose device 'cpu'`;
  const index = m[1] === undefined ? 0 : Number(m[1]);
  if (index >= d.cudaDevices) return `device '${device}' does not exist: ${d.reason} (cuda:0${d.cudaDevices > 1 ? `…cuda:${d.cudaDevices - 1}` : ''})`;
  return null;
}
