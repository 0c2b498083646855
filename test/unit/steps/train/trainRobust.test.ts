// Training never loses work and never lies (issue 23, items 1 and 2), through the real job
// runner and worker process: a long tiny run answers held-out prompts at every evaluation
// without failing and has its final checkpoint on disk before its final samples; a NaN loss
// is stored and either fails the run at its step or is warned about, as the run's setting says;
// a worker whose parent died saves its stop checkpoint and exits cleanly.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS, TrainConfig } from '../../../../preload/contract/train';
import { engineState } from '../../../../main/core/native/engine';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { isRunning } from '../../../helpers/childProcess';
import { tempDir } from '../../../helpers/tmp';
import { trainProject } from '../../../helpers/trainProject';

const run = (engineState().loaded && existsSync(workerPath())) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const TARGETS = [...LORA_TARGETS];
const fast = { lr: 1e-2, warmupSteps: 1, batchSize: 2, gradAccum: 1, schedule: 'constant' as const, lora: { r: 8, alpha: 16, dropout: 0, rslora: false, targets: TARGETS } };

/** Sets every float32 of one tensor of a single-file checkpoint to NaN (a model whose loss is NaN). */
function poison(file: string, tensor: string): void {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const t = header[tensor]!;
  expect(t.dtype).toBe('F32');
  for (let o = 8 + n + t.data_offsets[0]; o < 8 + n + t.data_offsets[1]; o += 4) buf.writeFloatLE(Number.NaN, o);
  writeFileSync(file, buf);
}

const setup = (o: { nan?: boolean } = {}) => trainProject(o.nan ? { editModel: (m) => poison(join(m, 'model.safetensors'), 'model.language_model.norm.weight') } : {});

describe('training that never loses work', () => {
  run(
    'a long run answers samples at every evaluation without failing; the final checkpoint is saved before the final samples',
    async () => {
      const { studio, runner, project, base, dataset, detail } = await setup();
      const seenAtFinalSample: boolean[] = [];
      let outDir = '';
      studio.events.subscribe((event, payload) => {
        const p = payload as { message?: string };
        if (event !== 'run.log' || !p.message) return;
        const into = /^training on .* into (.+)$/.exec(p.message);
        if (into) outDir = into[1]!;
        // The moment the final samples are reported, the final adapter must already be complete on disk.
        if (/^sample \d+ at step 30: /.test(p.message)) seenAtFinalSample.push(existsSync(join(outDir, 'checkpoint-30', 'trainer_state.json')));
      });
      const r = runner.start('train.run', {
        ...fast,
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 30,
        evalEvery: 3,
        saveEvery: 0,
        samples: 2,
        sampleMaxTokens: 24,
      });
      await runner.idle();
      const d = await detail(r.id);
      expect(d.run.status).toBe('succeeded');
      const sampleSteps = [
        ...new Set(
          d.logs
            .map((l) => /^sample 1 at step (\d+): "/.exec(l.message)?.[1])
            .filter(Boolean)
            .map(Number),
        ),
      ];
      expect(sampleSteps).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
      expect(d.logs.filter((l) => /^sample 2 at step \d+: "/.test(l.message))).toHaveLength(10);
      expect(d.logs.filter((l) => l.message.includes('could not be generated'))).toEqual([]);
      expect(seenAtFinalSample.length).toBeGreaterThan(0);
      expect(seenAtFinalSample.every(Boolean)).toBe(true);
      expect(project.store.runOutputs(r.id).map((a) => (JSON.parse(a.meta_json) as { step: number }).step)).toEqual([30]);
      // Samples off: none generated, the run and its adapter are the same.
      const quiet = runner.start('train.run', { ...fast, baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 3, evalEvery: 1, saveEvery: 0, samples: 0 });
      await runner.idle();
      const q = await detail(quiet.id);
      expect(q.run.status).toBe('succeeded');
      expect(q.logs.filter((l) => /^sample /.test(l.message))).toEqual([]);
      await studio.dispose();
    },
    300_000,
  );

  run(
    'a NaN loss is stored and fails the run at its step, or is warned about and training goes on, as the run chose',
    async () => {
      const { studio, runner, base, dataset, detail } = await setup({ nan: true });
      const failing = runner.start('train.run', { ...fast, baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 5, saveEvery: 0 });
      await runner.idle();
      const f = await detail(failing.id);
      expect(f.run).toMatchObject({ status: 'failed', error: 'loss became NaN at step 1' });
      expect(f.metrics.find((m) => m.name === 'loss' && m.step === 1)).toMatchObject({ value: null, nonFinite: 'nan' });
      const going = runner.start('train.run', {
        ...fast,
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 3,
        saveEvery: 0,
        evalEvery: 1,
        onNonFinite: 'continue',
      });
      await runner.idle();
      const g = await detail(going.id);
      expect(g.run.status).toBe('succeeded');
      expect(g.metrics.filter((m) => m.name === 'loss').map((m) => [m.step, m.value, m.nonFinite])).toEqual([
        [1, null, 'nan'],
        [2, null, 'nan'],
        [3, null, 'nan'],
      ]);
      expect(g.metrics.filter((m) => m.name === 'val_loss').every((m) => m.nonFinite === 'nan')).toBe(true);
      expect(g.logs.filter((l) => l.level === 'warn' && /^loss became NaN at step \d; training goes on/.test(l.message))).toHaveLength(3);
      // The app is fine: a later healthy job runs.
      const verify = runner.start('project.verify', {});
      await runner.idle();
      expect(runner.summary(verify.id).status).toBe('succeeded');
      await studio.dispose();
    },
    300_000,
  );

  run(
    'an orphaned worker (its parent was killed) saves its stop checkpoint and exits cleanly',
    async () => {
      const { studio, project, model, dataset } = await setup();
      const outDir = tempDir('orphan-out-');
      const log = join(tempDir(), 'worker.log');
      const settings = TrainConfig.parse({ ...fast, baseArtifactId: 'x', datasetArtifactId: 'y', maxSteps: 100_000, saveEvery: 0 });
      const input = { modelDir: model, datasetDir: join(project.dir, dataset.path), outDir, settings };
      const parent = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'helpers', 'orphanParent.mjs'), workerPath(), JSON.stringify(input), log], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /worker (\d+) step 2/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        parent.once('exit', () => reject(new Error(`the parent ended first: ${out}`)));
      });
      parent.kill('SIGKILL');
      await expect.poll(() => isRunning(pid), { timeout: 120_000, interval: 200 }).toBe(false);
      const cps = readdirSync(outDir);
      expect(cps).toHaveLength(1);
      expect(cps[0]).toMatch(/^checkpoint-\d+$/);
      expect(readdirSync(join(outDir, cps[0]!)).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'trainer_state.json', 'trainer_state.safetensors']);
      const state = JSON.parse(readFileSync(join(outDir, cps[0]!, 'trainer_state.json'), 'utf8')) as { step: number };
      expect(state.step).toBeGreaterThanOrEqual(2);
      expect(state.step).toBeLessThan(100_000);
      expect(readFileSync(log, 'utf8')).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Error/);
      await studio.dispose();
    },
    300_000,
  );
});
