// The Train job and its trainer worker check what the other process sends (steps/train/trainerMessages.ts):
// a message outside the protocol fails the run with a sentence naming it, on the job's side (a stand-in
// worker sends it) and on the worker's (the real built worker is sent one); NaN metrics still pass.
import { fork } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { WorkerMessage, readMessage } from '../../../../main/core/steps/train/trainerMessages';
import { tempDir } from '../../../helpers/tmp';
import { trainProject } from '../../../helpers/trainProject';

afterEach(() => {
  delete process.env.STUDIO_TRAIN_WORKER;
});

/** A project with a base model and a converted dataset, ready for a train.run. */
const setup = () => trainProject({ name: 'protocol', checkpoint: { dtype: 'F32', shards: 1 }, validation: 0 });

/** A stand-in trainer worker that answers 'start' with `messages` (JSON) and then waits to be stopped. */
function workerSending(messages: unknown[]): string {
  const file = join(tempDir(), 'worker.cjs');
  writeFileSync(
    file,
    `process.on('message', (m) => {
  if (m.type === 'stop') return process.disconnect();
  for (const x of ${JSON.stringify(messages)}) process.send(x);
});
`,
  );
  return file;
}

describe('trainer protocol', () => {
  it('the job fails a run whose worker sends a message outside the protocol, naming it', async () => {
    const { studio, runner, base, dataset } = await setup();
    for (const [sent, error] of [
      [{ type: 'metric', name: 'loss' }, /^the trainer process sent a 'metric' message that is not part of the trainer protocol \(step: .*value: /],
      [{ type: 'hello' }, /^the trainer process sent a 'hello' message that is not part of the trainer protocol/],
      ['garbage', /^the trainer process sent "garbage" that is not part of the trainer protocol/],
    ] as const) {
      process.env.STUDIO_TRAIN_WORKER = workerSending([sent]);
      const r = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 2 });
      await runner.idle();
      const s = runner.summary(r.id);
      expect(s.status, JSON.stringify(sent)).toBe('failed');
      expect(s.error, JSON.stringify(sent)).toMatch(error);
    }
    await studio.dispose();
  });

  it('the worker answers a message outside the protocol with an error naming it, and exits 1', async () => {
    const file = workerPath();
    if (!existsSync(file)) throw new Error(`${file} is missing: build the app first (npx electron-vite build)`);
    const child = fork(file, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    const got: unknown[] = [];
    child.on('message', (m) => got.push(m));
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.send({ type: 'start', input: { modelDir: 3 } });
    });
    expect(code).toBe(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^the Train job sent a 'start' message that is not part of the trainer protocol \(input\.modelDir: /),
    });
  });

  it('metrics may be NaN or infinite (a diverged loss is recorded, not refused)', () => {
    for (const value of [Number.NaN, Infinity, -Infinity, 0.5]) expect(readMessage(WorkerMessage, { type: 'metric', name: 'loss', step: 3, value }, 'w').ok).toBe(true);
    expect(readMessage(WorkerMessage, { type: 'checkpoint', dir: '/x', step: 1.5, metrics: {} }, 'w')).toMatchObject({ ok: false, problem: expect.stringContaining('step:') });
  });
});
