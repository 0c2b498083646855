import type { StepDefinition, StepJobs } from '../types';
import type { OnnxProviderChoice } from '../../../../preload/contract';
import { importTrajectoriesJob } from './importJob';
import { makeRolloutJob } from './rolloutJob';

// Defaults are the ones our users' ARLArena scripts run today.
export const rolloutStep: StepDefinition = {
  id: 'rollout',
  title: 'Rollout',
  summary: 'Multi-turn play of games rendered to images by a VLM policy or a built-in expert; many trajectories per task.',
  inputs: [{ kind: 'onnx-model', label: 'ONNX model exports for the local policy (optional)', required: false }],
  outputs: ['trajectories'],
  jobKinds: ['rollout.run', 'artifact.import'],
  pending: null,
  settings: [
    { name: 'game', value: 'Sokoban (visual)', note: '6×6 room, 1 box, levels by reverse play (depth 30)' },
    { name: 'max turns', value: '15', note: null },
    { name: 'frame', value: '256×256 RGB PNG', note: '16-px tiles scaled up' },
    { name: 'sampling', value: 'temperature 0.4, top_p 1, 500 new tokens', note: 'one sample per prompt' },
    { name: 'history turns', value: '0', note: 'the prompt carries no history, as today' },
  ],
};

/** The rollout job reads the ONNX provider the System page chose as each run starts. */
export const rolloutJobs: StepJobs<{ onnxProvider(): OnnxProviderChoice }> = (s) => [makeRolloutJob(() => s.onnxProvider()), importTrajectoriesJob];
