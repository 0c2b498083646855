// The forms check their job with the contract's schema before sending it (renderer/src/wizard/checkJob.ts):
// the fields it refuses, and the sentence shown, are the ones the same config gets refused with by the
// contract's request check (parseParams) — so a field is marked the same whichever side says no. The
// configs come from the forms' own builders.
import { describe, expect, it } from 'vitest';
import { parseParams, type Params } from '../../../preload/contract';
import { parseFieldErrors, readableError } from '../../../renderer/src/api/fieldErrors';
import { checkJob } from '../../../renderer/src/wizard/checkJob';
import { rolloutConfig, type RolloutFields } from '../../../renderer/src/steps/rollout/rolloutConfig';
import { evaluateConfig } from '../../../renderer/src/steps/evaluate/evaluateConfig';
import { PRESETS } from '../../../renderer/src/steps/train/presets';
import { estimateParams, fieldsOf, trainExportConfig, trainRunConfig } from '../../../renderer/src/steps/train/trainSettings';

function refusal(params: Params<'jobs.start'>): string {
  try {
    parseParams('jobs.start', params);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the contract to refuse it');
}

function sameAsTheContract(params: Params<'jobs.start'>) {
  const checked = checkJob(params);
  if (checked.ok) throw new Error('expected checkJob to refuse it');
  const raw = refusal(params);
  expect(checked.fields).toEqual(parseFieldErrors(raw));
  expect(checked.message).toBe(readableError(raw));
  return Object.fromEntries(checked.fields.map((f) => [f.path, f.message]));
}

const rollout = (patch: Partial<RolloutFields>): RolloutFields => ({
  game: 'sokoban',
  tasks: 16,
  samples: 1,
  seed: 0,
  concurrency: 4,
  history: 0,
  settingsText: '',
  policy: 'expert',
  engine: { modelArtifactId: '', adapterArtifactId: '', device: 'auto' },
  onnx: { modelDir: '', artifactId: null, variant: 'auto', provider: null, maxBatch: null },
  openai: { baseUrl: 'http://127.0.0.1:8000/v1', model: '', apiKey: '', retries: 3, timeoutS: 120 },
  sampling: { temperature: 0.4, topP: 1, maxTokens: 500 },
  ...patch,
});

describe('checkJob: the contract schema before sending', () => {
  it('the forms’ defaults pass as they are', () => {
    expect(checkJob({ kind: 'rollout.run', step: 'rollout', config: rolloutConfig(rollout({}), {}) })).toEqual({ ok: true });
    const f = fieldsOf(PRESETS[0]!);
    expect(checkJob({ kind: 'train.run', step: 'train', config: trainRunConfig({ base: 'b', dataset: 'd', name: '', initAdapter: '' }, f) })).toEqual({ ok: true });
  });

  it('a rollout against an endpoint with no model and a bad URL: the same fields as the contract refuses', () => {
    const fields = sameAsTheContract({
      kind: 'rollout.run',
      step: 'rollout',
      config: rolloutConfig(rollout({ policy: 'openai', tasks: 0, openai: { baseUrl: 'not a url', model: '', apiKey: '', retries: 3, timeoutS: 0.5 } }), {}),
    });
    expect(Object.keys(fields).sort()).toEqual(['policy.baseUrl', 'policy.model', 'policy.timeoutMs', 'tasks']);
  });

  it('train settings typed wrong, in a local run and in the cluster export, name the same settings', () => {
    const f = { ...fieldsOf(PRESETS[0]!), r: '', lr: 'fast', epochs: '0' };
    const run = sameAsTheContract({ kind: 'train.run', step: 'train', config: trainRunConfig({ base: '', dataset: 'd', name: '', initAdapter: '' }, f) });
    expect(run).toMatchObject({ 'lora.r': 'must be a number', lr: 'must be a number' });
    expect(Object.keys(run)).toContain('baseArtifactId');
    const exp = sameAsTheContract({
      kind: 'train.export',
      step: 'train',
      config: trainExportConfig({ dataset: 'd', baseModel: 'Qwen/Qwen3-VL-4B-Instruct', strategy: undefined, gpus: 'x', nodes: '1' }, f),
    });
    expect(exp).toMatchObject({ 'train.lora.r': 'must be a number', 'train.lr': 'must be a number', gpus: 'must be a number' });
    // The memory estimate reads the same fields, held to something it can answer while typing.
    expect(estimateParams('b', '', f)).toMatchObject({ baseArtifactId: 'b', lora: { r: 1 } });
    expect(estimateParams('', 'd', f)).toBeNull();
  });

  it('an evaluation with no levels and no base', () => {
    const fields = sameAsTheContract({
      kind: 'evaluate.run',
      step: 'train',
      config: evaluateConfig({ base: '', checkpoints: [], includeBase: true, includeExpert: false, game: 'sokoban', levels: 0, seed: 1, maxTurns: '', maxTokens: 500 }),
    });
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['baseArtifactId', 'levels']));
  });
});
