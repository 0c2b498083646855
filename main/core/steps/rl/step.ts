import type { StepDefinition, StepJobs } from '../types';
import { makeRlLaunchJob } from './launchJob';
import { rlHandoffJob } from './rlJob';

export const rlStep: StepDefinition = {
  id: 'rl',
  title: 'RL handoff',
  summary: 'A ready verl-agent GiGPO launch folder pointing at the merged model.',
  inputs: [{ kind: 'merged-model', label: 'Merged model folder', required: true }],
  outputs: ['rl-launch'],
  jobKinds: ['artifact.import', 'rl.handoff', 'rl.launch'],
  pending: null,
  settings: [
    { name: 'algorithm', value: 'GiGPO', note: 'verl-agent' },
    { name: 'group size', value: '8', note: 'episodes per level' },
    { name: 'launch folder', value: 'run_gigpo.sh + data/ + README.md + config.json', note: 'the merged model path filled in; one node or a Ray cluster' },
  ],
};

export const rlJobs: StepJobs = () => [rlHandoffJob, makeRlLaunchJob()];
