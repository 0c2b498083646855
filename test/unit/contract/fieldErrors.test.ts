// Validation errors as a user reads them: no method names, field paths in words, zod's phrases
// made plain; produced from real contract validation (parseParams), not hand-written strings.
import { describe, expect, it } from 'vitest';
import { parseParams } from '../../../preload/contract';
import { parseFieldErrors, readableError } from '../../../renderer/src/api/fieldErrors';

function messageOf(method: string, params: unknown): string {
  try {
    parseParams(method, params);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('readable field errors', () => {
  it('a missing merge input names the field in words and drops the method', () => {
    const raw = messageOf('jobs.start', { kind: 'merge.run', config: { adapterArtifactId: 'a' } });
    expect(raw).toMatch(/^invalid params for jobs.start: /);
    const fields = parseFieldErrors(raw)!;
    expect(fields).toContainEqual({ path: 'baseArtifactId', label: 'Base model', message: 'required' });
    const text = readableError(raw);
    expect(text).not.toMatch(/jobs\.start|invalid params|config\./);
    expect(text).toContain('Base model: required');
  });

  it('range errors read as limits; non-validation messages pass through', () => {
    const raw = messageOf('review.list', { rules: { minLength: -1 }, limit: 0 });
    const byPath = Object.fromEntries(parseFieldErrors(raw)!.map((f) => [f.path, f]));
    expect(byPath['rules.minLength']).toMatchObject({ label: 'Rules › Min length', message: 'must be at least 0' });
    expect(byPath['limit']).toMatchObject({ message: 'must be at least 1' });
    expect(readableError('no artifact with id x in this project')).toBe('no artifact with id x in this project');
  });
});

describe('readable field errors from the forms', () => {
  it('a number field left empty or typed as text, a fraction where a whole number goes, a strict bound', () => {
    const raw = messageOf('jobs.start', {
      kind: 'train.run',
      config: { baseArtifactId: 'b', datasetArtifactId: 'd', lora: { r: 1.5 }, lr: Number.NaN, epochs: 0 },
    });
    const byPath = Object.fromEntries(parseFieldErrors(raw)!.map((f) => [f.path, f]));
    expect(byPath['lora.r']).toMatchObject({ label: 'LoRA › rank r', message: 'must be a whole number' });
    expect(byPath['lr']).toMatchObject({ label: 'Learning rate', message: 'must be a number' });
    expect(byPath['epochs']).toMatchObject({ message: 'must be at least 1' });
    const strict = messageOf('jobs.start', { kind: 'rollout.run', config: { policy: { type: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', topP: 0 } } });
    expect(parseFieldErrors(strict)).toContainEqual({ path: 'policy.topP', label: 'Policy › Top-p', message: 'must be more than 0' });
  });

  it("the job runner's own refusal (invalid config for …) maps the same way; the export's Train settings name the Train form", () => {
    const raw = 'invalid config for train.export: train.lora.r: Too small: expected number to be >=1; gpus: Too small: expected number to be >=1';
    expect(parseFieldErrors(raw)).toEqual([
      { path: 'train.lora.r', label: 'Train form › LoRA › rank r', message: 'must be at least 1' },
      { path: 'gpus', label: 'GPUs per machine', message: 'must be at least 1' },
    ]);
    expect(readableError(raw)).not.toMatch(/invalid config|train\.export|lora\./);
  });
});

describe('a message that names its own field', () => {
  it('reads without the code name under the field', () => {
    const raw = messageOf('jobs.start', { kind: 'rollout.run', config: { policy: { type: 'openai', baseUrl: 'not a url', model: '' } } });
    const byPath = Object.fromEntries(parseFieldErrors(raw)!.map((f) => [f.path, f.message]));
    expect(byPath['policy.baseUrl']).toBe('must be a URL such as http://127.0.0.1:8000/v1');
    expect(byPath['policy.model']).toBe('required');
    expect(readableError(raw)).not.toMatch(/baseUrl|config\.|jobs\.start/);
  });
});
