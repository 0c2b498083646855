import type { StepDefinition, StepJobs } from '../types';
import { trainExportJob } from './export/trainExportJob';
import { trainJob } from './trainJob';

export const trainStep: StepDefinition = {
  id: 'train',
  title: 'Train',
  summary: 'LoRA / QLoRA SFT of Qwen3-VL in the native engine (libtorch, CPU or CUDA), with live charts, cancel and resume from checkpoints.',
  inputs: [
    { kind: 'base-model', label: 'Base model folder (Hugging Face layout)', required: true },
    { kind: 'dataset-parquet', label: 'Converted dataset (TRL Parquet)', required: true },
  ],
  outputs: ['adapter'],
  jobKinds: ['artifact.import', 'train.run', 'train.export', 'evaluate.run'],
  pending: null,
  settings: [
    {
      name: 'QLoRA',
      value: 'NF4 4-bit base projections + double quant, bf16 compute',
      note: 'dequantised on the fly in forward and backward; or LoRA over full-precision weights',
    },
    { name: 'LoRA', value: 'r=32, alpha=32 on q, k, v, o, gate, up, down', note: 'PEFT initialisation and keys: checkpoints load in PEFT and vLLM' },
    {
      name: 'optimizer',
      value: 'AdamW or 8-bit AdamW, lr 2e-4, 5 warmup steps, linear decay',
      note: 'gradient clipping at 1.0; the accumulated batch’s loss per target token, or per micro-batch as transformers’ Trainer (the notebook preset)',
    },
    {
      name: 'start from',
      value: 'a fresh LoRA, an existing PEFT adapter (its r, alpha, targets), or a checkpoint to resume',
      note: 'adapters from elsewhere are checked: LoRA on the text decoder’s projections only',
    },
    { name: 'batch', value: '2 × accumulation 8', note: 'samples of similar length share a micro-batch' },
    {
      name: 'memory',
      value: 'gradient checkpointing, sequence packing (both optional)',
      note: 'checkpointing keeps one decoder layer’s activations; packing puts several samples in one row without padding',
    },
  ],
};

/** A local run, and the export of the same settings as a cluster training project. */
export const trainJobs: StepJobs = () => [trainJob, trainExportJob];
