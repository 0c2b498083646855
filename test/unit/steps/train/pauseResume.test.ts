// Pause and resume (issue 23, item 4) through the real runner and worker: pause is its own state
// and registers its checkpoint once; a resumed run continues the step count and its charts start
// with the earlier run's points; a half-written checkpoint is refused naming what is missing.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS, type RunDetail } from '../../../../preload/contract';
import { engineState } from '../../../../main/core/native/engine';
import { Studio } from '../../../../main/core/studio';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { writeJsonlDataset } from '../../../helpers/datasets';
import { tempDir } from '../../../helpers/tmp';

const run = (engineState().loaded && existsSync(workerPath())) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const TARGETS = [...LORA_TARGETS];

describe('pause and resume', () => {
  run('pause ends paused with one checkpoint; resume continues steps and charts; a half-written checkpoint is refused by name', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'train');
    const { runner, project } = studio.requireProject();
    const model = join(tempDir(), 'tiny');
    makeQwen3VLCheckpoint(model, { dtype: 'F32', shards: 1, init: 'realistic', seed: 4 });
    runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
    runner.start('artifact.import', { path: writeJsonlDataset(join(tempDir(), 'acc'), Array.from({ length: 4 }, () => ({ turns: 2 }))), kind: 'dataset-json', mode: 'reference' });
    await runner.idle();
    const base = project.store.listArtifacts(['base-model'])[0]!;
    const conv = runner.start('convert.run', { datasetArtifactId: project.store.listArtifacts(['dataset-json'])[0]!.id, modelArtifactId: base.id, split: { by: 'ratio', validation: 0.3, values: [], seed: 2 } });
    await runner.idle();
    const dataset = project.store.runOutputs(conv.id)[0]!;
    const detail = (id: string) => studio.api.handle('jobs.get', { runId: id }) as Promise<RunDetail>;
    // saveEvery 1: every step saves, so the pause lands right after a periodic save (the case that registered twice).
    const cfg = { lr: 1e-2, warmupSteps: 1, batchSize: 2, gradAccum: 1, schedule: 'constant' as const, lora: { r: 8, alpha: 16, dropout: 0, rslora: false, targets: TARGETS }, baseArtifactId: base.id, datasetArtifactId: dataset.id, maxSteps: 500, saveEvery: 1, samples: 0 };
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
    expect(runner.summary(bad.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot be resumed from: .* is half-written \(missing trainer_state\.json\)/) });
    await studio.dispose();
  }, 300_000);
});
