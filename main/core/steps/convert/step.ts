import type { StepDefinition, StepJobs } from '../types';
import { convertJob } from './convertJob';

export const convertStep: StepDefinition = {
  id: 'convert',
  title: 'Convert',
  summary: 'Accepted trajectories → Parquet in the multi-turn chat format (images embedded) for datasets, TRL and verl.',
  inputs: [
    { kind: 'dataset-json', label: 'Accepted dataset (JSON export)', required: true },
    { kind: 'base-model', label: 'Base model (chat template, tokenizer, image limits)', required: false },
  ],
  outputs: ['dataset-parquet'],
  jobKinds: ['artifact.import', 'convert.run'],
  pending: null,
  settings: [
    { name: 'targets', value: 'TRL / datasets, ARLArena, verl', note: 'train.parquet + validation.parquet (combined.parquet for ARLArena) + dataset_info.json' },
    { name: 'history', value: 'one sample per turn', note: 'or whole episodes, or each turn with the k turns before it' },
    { name: 'split', value: '95% train / 5% validation', note: 'deterministic, by episode, game or seed' },
    { name: 'labels', value: 'assistant turns only', note: 'or the full sequence' },
    { name: 'max length', value: '8192 tokens', note: 'longer samples are dropped or flagged, never truncated' },
  ],
};

export const convertJobs: StepJobs = () => [convertJob];
