// Pause and resume (issue 23, item 4) through the real runner and worker: pause is its own state
// and registers its checkpoint once; a resumed run continues the step count and its charts start
// with the earlier run's points; a half-written checkpoint is refused naming what is missing.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS } from '../../../../preload/contract';
import { engineState } from '../../../../main/core/native/engine';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { trainProject } from '../../../helpers/trainProject';

const run = (engineState().loaded && existsSync(workerPath())) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const TARGETS = [...LORA_TARGETS];

describe('pause and resume', () => {
  run(
    'pause ends paused with one checkpoint; resume continues steps and charts; a half-written checkpoint is refused by name',
    async () => {
      const { studio, runner, project, base, dataset, detail } = await trainProject();
      // saveEvery 1: every step saves, so the pause lands right after a periodic save (the case that registered twice).
      const cfg = {
        lr: 1e-2,
        warmupSteps: 1,
        batchSize: 2,
        gradAccum: 1,
        schedule: 'constant' as const,
        lora: { r: 8, alpha: 16, dropout: 0, rslora: false, targets: TARGETS },
        baseArtifactId: base.id,
        datasetArtifactId: dataset.id,
        maxSteps: 500,
        saveEvery: 1,
        samples: 0,
      };
      const r = runner.start('train.run', cfg);
      await expect.poll(async () => (await detail(r.id)).metrics.filter((m) => m.name === 'loss').length, { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(3);
      expect(() => runner.pause(project.store.listRuns()[project.store.listRuns().length - 1]!.id)).toThrow(/cannot be paused; cancel it instead/);
      runner.pause(r.id);
      await runner.idle();
      expect(runner.summary(r.id).status).toBe('paused');
      const outs = project.store.runOutputs(r.id);
      const steps = outs.map((a) => (JSON.parse(a.meta_json) as { step: number }).step);
      expect(new Set(steps).size).toBe(steps.length); // each checkpoint registered once
      const cps = project.db.prepare('SELECT step FROM checkpoints WHERE run_id = ?').all(r.id) as { step: number }[];
      expect(cps).toHaveLength(steps.length);
      const at = Math.max(...steps);
      const last = outs.find((a) => (JSON.parse(a.meta_json) as { step: number }).step === at)!;
      const again = runner.start('train.run', { ...cfg, maxSteps: at + 2, saveEvery: 0, resumeFrom: last.id });
      await runner.idle();
      const d = await detail(again.id);
      expect(d.run.status).toBe('succeeded');
      // The chart continues: the earlier steps, then the two new ones.
      expect(d.metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual(Array.from({ length: at + 2 }, (_, i) => i + 1));
      expect(d.logs.some((l) => l.message.startsWith(`resumed from ${join(project.dir, last.path)} at step ${at}`) || l.message.includes(`at step ${at}`))).toBe(true);
      // A checkpoint whose save was cut short (its trainer state gone) is refused, naming what is missing.
      const earlier = outs.find((a) => a.id !== last.id)!;
      rmSync(join(project.dir, earlier.path, 'trainer_state.json'));
      const bad = runner.start('train.run', { ...cfg, resumeFrom: earlier.id });
      await runner.idle();
      expect(runner.summary(bad.id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/cannot be resumed from: .* is half-written \(missing trainer_state\.json\)/),
      });
      await studio.dispose();
    },
    300_000,
  );
});
