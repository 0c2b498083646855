import type { StepDefinition, StepJobs } from '../types';
import type { TokenStore } from './tokenStore';
import { makeUploadJob } from './uploadJob';

export const uploadStep: StepDefinition = {
  id: 'upload',
  title: 'Upload',
  summary: 'Push an adapter checkpoint or a merged model to the Hugging Face Hub with a generated model card.',
  inputs: [
    { kind: 'adapter', label: 'Adapter checkpoint', required: false },
    { kind: 'merged-model', label: 'Merged model folder', required: false },
  ],
  outputs: [],
  jobKinds: ['artifact.import', 'upload.run'],
  pending: null,
  settings: [
    { name: 'visibility', value: 'private', note: 'new repos are private by default' },
    { name: 'endpoint', value: 'https://huggingface.co', note: 'a mirror or enterprise hub can be set' },
    { name: 'token', value: 'OS keychain (app), encrypted file or HF_TOKEN (CLI/server)', note: 'never in the project database, logs or exports' },
    { name: 'model card', value: 'written for each upload', note: 'base model, dataset lineage, LoRA settings, training summary, how to load' },
  ],
};

/** The upload job signs in with the studio's Hub token store. */
export const uploadJobs: StepJobs<{ tokenStore: TokenStore }> = (s) => [makeUploadJob(s.tokenStore)];
