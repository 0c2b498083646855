// The Train step end to end through the real job runner and the real worker
// process (out/main/trainWorker.js, built by `npm test` before the tests):
// a converted dataset trains into checkpoints with lineage, cancel leaves a
// checkpoint that a new run resumes from, and a dying worker fails the run only.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../../../preload/contract';
import { engineState } from '../../../../main/core/native/engine';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { tempDir } from '../../../helpers/tmp';
import { trainProject } from '../../../helpers/trainProject';

const run = (engineState().loaded && existsSync(workerPath())) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;

afterEach(() => {
  delete process.env.STUDIO_TRAIN_WORKER;
});

const setup = () => trainProject();

const fast = { lr: 1e-2, warmupSteps: 1, batchSize: 2, gradAccum: 1, schedule: 'constant' as const, lora: { r: 8, alpha: 16, dropout: 0, rslora: false, targets: LORA_TARGETS } };

describe('train step (job + worker process)', () => {
  run(
    'trains a converted dataset into checkpoint adapters with metrics and lineage; the adapter merges',
    async () => {
      const { studio, runner, project, base, dataset, detail } = await setup();
      const r = runner.start('train.run', {
        ...fast,
        lora: { ...fast.lora, targets: [...fast.lora.targets] },
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 24,
        saveEvery: 8,
        evalEvery: 8,
        name: 'sokoban',
      });
      await runner.idle();
      const d = await detail(r.id);
      expect(d.run).toMatchObject({ status: 'succeeded', progress: 1 });
      const loss = d.metrics.filter((m) => m.name === 'loss').sort((a, b) => a.step - b.step);
      expect(loss.map((m) => m.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      expect(loss[23]!.value!).toBeLessThan(loss[0]!.value! * 0.5);
      expect(d.metrics.filter((m) => m.name === 'val_loss').map((m) => m.step)).toEqual([8, 16, 24]);
      expect(d.metrics.some((m) => m.name === 'tokens_per_s' && m.value! > 0)).toBe(true);
      // Held-out prompts answered by the adapter at each evaluation.
      expect(d.logs.filter((l) => /^sample 1 at step (8|16|24): "/.test(l.message)).length).toBe(3);
      const outs = project.store.runOutputs(r.id);
      expect(outs.map((a) => a.kind)).toEqual(['adapter', 'adapter', 'adapter']);
      const last = outs.find((a) => (JSON.parse(a.meta_json) as { step: number }).step === 24)!;
      expect(readdirSync(join(project.dir, last.path)).sort()).toEqual(['adapter_config.json', 'adapter_model.safetensors', 'trainer_state.json', 'trainer_state.safetensors']);
      const cps = project.db.prepare('SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step').all(r.id) as { step: number }[];
      expect(cps.map((c) => c.step)).toEqual([8, 16, 24]);
      expect(
        project.store
          .runInputs(r.id)
          .map((a) => a.kind)
          .sort(),
      ).toEqual(['base-model', 'dataset-parquet']);
      const m = runner.start('merge.run', { baseArtifactId: base.id, adapterArtifactId: last.id, outDtype: 'keep' });
      await runner.idle();
      expect(runner.summary(m.id).status).toBe('succeeded');
      await studio.dispose();
    },
    300_000,
  );

  run(
    'packed rows with gradient checkpointing train the same run as padded micro-batches',
    async () => {
      const { studio, runner, base, dataset, detail } = await setup();
      const cfg = { ...fast, lora: { ...fast.lora, targets: [...fast.lora.targets] }, baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 4, saveEvery: 0 };
      // No dropout here: its masks are drawn over the batch's layout, which packing changes (checkpointing replays them: engine test).
      const plain = runner.start('train.run', cfg);
      const packed = runner.start('train.run', { ...cfg, packing: true, packTokens: 8192, gradientCheckpointing: true });
      await runner.idle();
      const losses = async (id: string) =>
        (await detail(id)).metrics
          .filter((m) => m.name === 'loss')
          .sort((a, b) => a.step - b.step)
          .map((m) => m.value);
      const a = await losses(plain.id);
      const b = await losses(packed.id);
      expect(a).toHaveLength(4);
      b.forEach((v, i) => expect(Math.abs(v! - a[i]!)).toBeLessThan(1e-4));
      await studio.dispose();
    },
    300_000,
  );

  run(
    'cancel stops after a step and saves a checkpoint; a new run resumes from it at the next step',
    async () => {
      const { studio, runner, project, base, dataset, detail } = await setup();
      // 8-bit AdamW here, so its states go through a checkpoint and a resume too.
      const cfg = {
        ...fast,
        optimizer: 'adamw-8bit' as const,
        lora: { ...fast.lora, targets: [...fast.lora.targets] },
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 500,
      };
      const r = runner.start('train.run', cfg);
      await expect.poll(async () => (await detail(r.id)).metrics.filter((m) => m.name === 'loss').length, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(3);
      runner.cancel(r.id);
      await runner.idle();
      expect(runner.summary(r.id).status).toBe('cancelled');
      const cp = project.store.runOutputs(r.id)[0]!;
      const at = (JSON.parse(cp.meta_json) as { step: number }).step;
      expect(at).toBeGreaterThanOrEqual(3);
      expect(at).toBeLessThan(500);
      const again = runner.start('train.run', { ...cfg, maxSteps: at + 2, resumeFrom: cp.id });
      await runner.idle();
      const d = await detail(again.id);
      expect(d.run.status).toBe('succeeded');
      // The resumed run's chart continues the first run's (steps 1..at), then its own two steps.
      expect(d.metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual(Array.from({ length: at + 2 }, (_, i) => i + 1));
      expect(d.inputs.map((a) => a.id)).toContain(cp.id);
      await studio.dispose();
    },
    300_000,
  );

  run(
    'a run can start from an existing adapter: its r, alpha and weights are used (lr 0 in the warm-up step leaves them as they were)',
    async () => {
      const { studio, runner, project, base, dataset, detail } = await setup();
      const first = runner.start('train.run', {
        ...fast,
        lora: { ...fast.lora, r: 4, alpha: 8, targets: ['q_proj', 'v_proj'] },
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 3,
        saveEvery: 0,
      });
      await runner.idle();
      const from = project.store.runOutputs(first.id)[0]!;
      // The form's r = 8 and seven targets give way to the adapter's r = 4 on q_proj and v_proj.
      const next = runner.start('train.run', {
        ...fast,
        lora: { ...fast.lora, targets: [...fast.lora.targets] },
        warmupSteps: 5,
        schedule: 'linear',
        lossAverage: 'micro-batch',
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 1,
        saveEvery: 0,
        initAdapterFrom: from.id,
      });
      await runner.idle();
      const d = await detail(next.id);
      expect(d.run.status).toBe('succeeded');
      expect(d.logs.some((l) => l.message.includes(`starting from adapter '${from.name}': r=4, alpha=8, targets q_proj, v_proj`))).toBe(true);
      expect(d.logs.some((l) => l.message.includes('loss averaged per micro-batch'))).toBe(true);
      expect(d.inputs.map((a) => a.id)).toContain(from.id);
      const out = project.store.runOutputs(next.id)[0]!;
      const a = readFileSync(join(project.dir, from.path, 'adapter_model.safetensors'));
      const b = readFileSync(join(project.dir, out.path, 'adapter_model.safetensors'));
      expect(b.equals(a)).toBe(true);
      expect(JSON.parse(readFileSync(join(project.dir, out.path, 'adapter_config.json'), 'utf8'))).toMatchObject({ r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] });
      // An adapter the engine cannot continue (DoRA) is refused, naming the file and the field.
      writeFileSync(join(project.dir, from.path, 'adapter_config.json'), JSON.stringify({ peft_type: 'LORA', r: 4, lora_alpha: 8, use_dora: true, target_modules: ['q_proj'] }));
      const bad = runner.start('train.run', {
        ...fast,
        lora: { ...fast.lora, targets: [...fast.lora.targets] },
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 1,
        initAdapterFrom: from.id,
      });
      await runner.idle();
      expect(runner.summary(bad.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/adapter_config\.json: use_dora is true/) });
      await studio.dispose();
    },
    300_000,
  );

  run(
    'a trainer process that dies fails the run with the reason; the app and database stay up',
    async () => {
      const { studio, runner, project, base, dataset } = await setup();
      const dying = join(tempDir(), 'dying-worker.js');
      writeFileSync(dying, "process.on('message', () => process.kill(process.pid, 'SIGKILL'));\n");
      process.env.STUDIO_TRAIN_WORKER = dying;
      const r = runner.start('train.run', { baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 2 });
      await runner.idle();
      expect(runner.summary(r.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('it was killed (out of memory?)') });
      const bad = runner.start('train.run', { baseArtifactId: dataset.id, datasetArtifactId: dataset.id });
      await runner.idle();
      expect(runner.summary(bad.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('not a model folder') });
      expect(project.store.listArtifacts(['base-model'])).toHaveLength(1); // the database is fine
      await studio.dispose();
    },
    120_000,
  );
});
