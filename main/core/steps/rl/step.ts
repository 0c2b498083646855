import type { StepDefinition } from '../types';

export const rlStep: StepDefinition = {
  id: 'rl',
  title: 'RL handoff',
  summary: 'A ready verl-agent GiGPO launch folder pointing at the merged model.',
  inputs: [{ kind: 'merged-model', label: 'Merged model folder', required: true }],
  outputs: ['rl-launch'],
  jobKinds: ['artifact.import'],
  pending: 'The GiGPO launch folder generator arrives with the upload & RL handoff issue.',
  settings: [
    { name: 'algorithm', value: 'GiGPO', note: 'verl-agent' },
    { name: 'group size', value: '8', note: null },
  ],
};
