import type { StepDefinition } from '../types';

export const mergeStep: StepDefinition = {
  id: 'merge',
  title: 'Merge & export',
  summary: 'Merge a LoRA adapter into its base model (native, streaming) and export a checkpoint folder that vLLM, transformers and verl load.',
  inputs: [
    { kind: 'base-model', label: 'Base model folder', required: true },
    { kind: 'adapter', label: 'PEFT LoRA adapter folder', required: true },
  ],
  outputs: ['merged-model'],
  jobKinds: ['artifact.import'],
  pending: 'The native streaming merge arrives with the merge issue. Base models and adapters can already be imported (checked for config.json / adapter_config.json).',
  settings: [
    { name: 'output dtype', value: 'bf16', note: 'shards with an index' },
    { name: 'merge math', value: 'as PEFT merge_and_unload', note: 'scale·B·A in fp32' },
  ],
};
