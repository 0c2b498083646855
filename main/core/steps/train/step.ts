import type { StepDefinition } from '../types';

export const trainStep: StepDefinition = {
  id: 'train',
  title: 'Train',
  summary: 'LoRA / QLoRA SFT of Qwen3-VL (2B/4B/8B) in the native engine, with live charts, pause and resume.',
  inputs: [
    { kind: 'base-model', label: 'Base model folder (Hugging Face layout)', required: true },
    { kind: 'dataset-parquet', label: 'Converted dataset (Parquet)', required: true },
  ],
  outputs: ['adapter'],
  jobKinds: ['artifact.import'],
  pending: 'The native trainer arrives with the native engine issues; the System page shows whether this machine can train (libtorch, CUDA).',
  settings: [
    { name: 'preset', value: 'QLoRA NF4 (double quant), r=32, alpha=32', note: 'all seven language-model projections' },
    { name: 'optimizer', value: '8-bit AdamW, lr 2e-4, 5 warmup steps', note: null },
    { name: 'batch', value: '2 × accumulation 8', note: null },
  ],
};
