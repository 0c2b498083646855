import type { StepDefinition, StepJobs } from '../types';
import { exportMergedJob, mergeRunJob } from './mergeJob';

export const mergeStep: StepDefinition = {
  id: 'merge',
  title: 'Merge & export',
  summary: 'Merge a LoRA adapter into its base model (native, streaming) and export a checkpoint folder that vLLM, transformers and verl load.',
  inputs: [
    { kind: 'base-model', label: 'Base model folder', required: true },
    { kind: 'adapter', label: 'PEFT LoRA adapter folder', required: true },
  ],
  outputs: ['merged-model'],
  jobKinds: ['artifact.import', 'merge.run', 'merge.export', 'evaluate.run'],
  pending: null,
  settings: [
    { name: 'output dtype', value: 'bf16', note: 'shards with an index' },
    { name: 'merge math', value: 'as PEFT merge_and_unload', note: 'scale·(B·A) in fp32, one rounding into the weight dtype; or single rounding from float64' },
    { name: 'shards', value: 'up to 5 GB each', note: 'with model.safetensors.index.json' },
  ],
};

export const mergeJobs: StepJobs = () => [mergeRunJob, exportMergedJob];
