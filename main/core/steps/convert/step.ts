import type { StepDefinition } from '../types';

export const convertStep: StepDefinition = {
  id: 'convert',
  title: 'Convert',
  summary: 'Accepted trajectories → Parquet in the multi-turn chat format (images embedded) for datasets, TRL and verl.',
  inputs: [{ kind: 'dataset-json', label: 'Accepted dataset (JSON export)', required: true }],
  outputs: ['dataset-parquet'],
  jobKinds: ['artifact.import'],
  pending: 'Parquet conversion (TRL, ARLArena and verl layouts) arrives with the convert issue.',
  settings: [
    { name: 'target', value: 'TRL / Hugging Face datasets', note: 'messages + images columns' },
    { name: 'split', value: '95% train / 5% validation', note: 'deterministic by seed' },
    { name: 'labels', value: 'assistant turns only', note: null },
  ],
};
