import type { StepDefinition, StepJobs } from '../types';
import { exportDatasetJob } from './exportJob';

export const filterStep: StepDefinition = {
  id: 'filter',
  title: 'Filter & review',
  summary: 'Rules plus a keyboard-driven review of every turn and frame; keep the good trajectories and export them as a dataset.',
  inputs: [{ kind: 'trajectories', label: 'Trajectories (rollouts or imported ARLArena JSON)', required: true }],
  outputs: ['dataset-json'],
  jobKinds: ['rollout.import', 'review.export'],
  pending: null,
  settings: [
    { name: 'default rule', value: 'success = true', note: 'task score ≥ threshold is also available' },
    { name: 'keys', value: 'j/k turn, n/p trajectory, a accept, r reject, e note', note: null },
  ],
};

export const filterJobs: StepJobs = () => [exportDatasetJob];
