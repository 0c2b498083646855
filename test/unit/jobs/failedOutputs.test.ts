// Failed runs leave no empty or half-written folders (issue 18): when a job fails,
// the output folders it created that hold no registered output are removed then
// (not at the next open), the log says so, and a failed training run keeps the
// checkpoints it registered. Through the real runner with faults at chosen points:
// a trainer worker that dies (at once, or after a checkpoint and mid-save), and a
// convert whose registration fails after its folder was written.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobContext } from '../../../main/core/jobs/types';
import { convertJob } from '../../../main/core/steps/convert/convertJob';
import { tempDir } from '../../helpers/tmp';
import { trainProject } from '../../helpers/trainProject';

afterEach(() => {
  delete process.env.STUDIO_TRAIN_WORKER;
});

const setup = () => trainProject({ name: 'failing', checkpoint: { dtype: 'F32', shards: 1 }, validation: null });

/** A stand-in trainer worker: optionally saves checkpoint-2 (reporting it) and starts checkpoint-4, then exits 1. */
function fakeWorker(saveFirst: boolean): string {
  const file = join(tempDir(), 'worker.cjs');
  writeFileSync(
    file,
    `const fs = require('node:fs'); const path = require('node:path');
process.on('message', (m) => {
  if (m.type !== 'start') return;
  const out = m.input.outDir;
  if (${saveFirst}) {
    const cp = path.join(out, 'checkpoint-2');
    fs.mkdirSync(cp);
    for (const f of ['adapter_model.safetensors', 'adapter_config.json', 'trainer_state.safetensors']) fs.writeFileSync(path.join(cp, f), 'x');
    fs.writeFileSync(path.join(cp, 'trainer_state.json'), JSON.stringify({ step: 2 }));
    process.send({ type: 'checkpoint', dir: cp, step: 2, metrics: { loss: 1 } });
    fs.mkdirSync(path.join(out, 'checkpoint-4.partial'));
    fs.writeFileSync(path.join(out, 'checkpoint-4.partial', 'adapter_model.safetensors'), 'half');
  }
  process.send({ type: 'error', message: 'the trainer gave up' }, () => process.exit(1));
});
`,
  );
  return file;
}

describe('failed runs leave no empty or half-written folders', () => {
  it('a training run that fails before any checkpoint: its output folder is removed, and the log says so', async () => {
    const { studio, runner, project, base, accepted, logOf } = await setup();
    const conv = runner.start('convert.run', { datasetArtifactId: accepted.id, modelArtifactId: base.id, split: { by: 'ratio', validation: 0, values: [], seed: 2 } });
    await runner.idle();
    const dataset = project.store.runOutputs(conv.id)[0]!;
    process.env.STUDIO_TRAIN_WORKER = fakeWorker(false);
    const r = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 2, name: 'doomed' });
    await runner.idle();
    expect(runner.summary(r.id)).toMatchObject({ status: 'failed', error: 'the trainer gave up' });
    const outDir = join(project.dir, 'artifacts', 'checkpoints', `doomed-${r.id.slice(0, 8)}`);
    expect(logOf(r.id)).toContain(`into ${outDir}`); // it was made
    expect(existsSync(outDir)).toBe(false);
    expect(readdirSync(join(project.dir, 'artifacts', 'checkpoints'))).toEqual([]);
    expect(logOf(r.id)).toContain(`removed ${outDir}: the run ended without a registered output in it`);
    await studio.dispose();
  });

  it('a training run that fails after a checkpoint keeps that registered checkpoint and loses the half-written one', async () => {
    const { studio, runner, project, base, accepted, logOf } = await setup();
    const conv = runner.start('convert.run', { datasetArtifactId: accepted.id, modelArtifactId: base.id, split: { by: 'ratio', validation: 0, values: [], seed: 2 } });
    await runner.idle();
    const dataset = project.store.runOutputs(conv.id)[0]!;
    process.env.STUDIO_TRAIN_WORKER = fakeWorker(true);
    const r = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 8, name: 'halfway' });
    await runner.idle();
    expect(runner.summary(r.id).status).toBe('failed');
    const outDir = join(project.dir, 'artifacts', 'checkpoints', `halfway-${r.id.slice(0, 8)}`);
    expect(project.store.runOutputs(r.id).map((a) => a.path)).toEqual([`artifacts/checkpoints/halfway-${r.id.slice(0, 8)}/checkpoint-2`]);
    expect(readdirSync(outDir).sort()).toEqual(['checkpoint-2', 'run.json']);
    expect(logOf(r.id)).toContain(`removed the half-written ${join(outDir, 'checkpoint-4.partial')} (the registered outputs beside it are kept)`);
    await studio.dispose();
  });

  it('a convert that fails after writing its folder (its registration failed): the folder is removed and the log says so', async () => {
    const { studio, runner, project, base, accepted, logOf } = await setup();
    // The real convert job; the fault is at the one point after its folder is complete.
    runner.register({
      ...convertJob,
      run: (ctx: JobContext<any>) =>
        convertJob.run({
          ...ctx,
          addOutput: async () => {
            throw new Error('no space left on device (while hashing)');
          },
        }),
    });
    const before = readdirSync(join(project.dir, 'artifacts', 'datasets'));
    const conv = runner.start('convert.run', {
      datasetArtifactId: accepted.id,
      modelArtifactId: base.id,
      name: 'lost',
      split: { by: 'ratio', validation: 0, values: [], seed: 2 },
    });
    await runner.idle();
    expect(runner.summary(conv.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('no space left on device') });
    expect(readdirSync(join(project.dir, 'artifacts', 'datasets'))).toEqual(before);
    expect(logOf(conv.id)).toMatch(new RegExp(`removed ${join(project.dir, 'artifacts', 'datasets')}/lost-[0-9a-f]{8}: the run ended without a registered output in it`));
    await studio.dispose();
  });

  it('a cancelled or paused run: cancelled removes what it made, paused keeps it for the resume', async () => {
    const { studio, runner, project, logOf } = await setup();
    const dir = join(project.dir, 'artifacts', 'files', 'mine');
    const made: string[] = [];
    runner.register({
      kind: 'test.writer',
      step: null,
      schema: (await import('zod')).z.object({}),
      pausable: true,
      title: () => 'writer',
      run: async (ctx) => {
        const p = ctx.ownOutput(`${dir}-${made.length}`);
        made.push(p);
        mkdirSync(p, { recursive: true });
        writeFileSync(join(p, 'half.bin'), 'x');
        mkdirSync(`${p}.partial-1a2b`); // a writer's temporary twin it did not get to remove
        await new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
      },
    });
    const a = runner.start('test.writer', {});
    await new Promise((r) => setTimeout(r, 100));
    runner.cancel(a.id);
    await runner.idle();
    expect(runner.summary(a.id).status).toBe('cancelled');
    expect(existsSync(made[0]!)).toBe(false);
    expect(logOf(a.id)).toContain(`removed ${made[0]}`);
    expect(existsSync(`${made[0]}.partial-1a2b`)).toBe(false);
    expect(logOf(a.id)).toContain(`removed the half-written ${made[0]}.partial-1a2b`);
    const b = runner.start('test.writer', {});
    await new Promise((r) => setTimeout(r, 100));
    runner.pause(b.id);
    await runner.idle();
    expect(runner.summary(b.id).status).toBe('paused');
    expect(existsSync(made[1]!)).toBe(true);
    await studio.dispose();
  });
});
