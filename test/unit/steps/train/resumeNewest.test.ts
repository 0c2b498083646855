// Resume from the newest complete checkpoint (issue 23) through the real runner and
// worker. A studio process training a run is SIGKILLed: its orphaned trainer saves a
// stop checkpoint no one registers, and a newer checkpoint folder is left half-written.
// Resuming the run (by its id, as the UI and CLI do) skips the half-written one saying
// so, adopts the unregistered complete one, and continues at its step; a run with no
// complete checkpoint fails naming what is missing.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LORA_TARGETS, type RunDetail } from '../../../../preload/contract';
import { engineState } from '../../../../main/core/native/engine';
import { runTrain } from '../../../../main/cli/train';
import { Studio } from '../../../../main/core/studio';
import { workerPath } from '../../../../main/core/steps/train/trainJob';
import { bundleHelper, isRunning, startChild } from '../../../helpers/childProcess';
import { tempDir } from '../../../helpers/tmp';
import { trainProject } from '../../../helpers/trainProject';

const run = (engineState().loaded && existsSync(workerPath())) || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const TARGETS = [...LORA_TARGETS];
const fast = {
  lr: 1e-2,
  warmupSteps: 1,
  batchSize: 2,
  gradAccum: 1,
  schedule: 'constant' as const,
  lora: { r: 8, alpha: 16, dropout: 0, rslora: false, targets: TARGETS },
  samples: 0,
};

async function setup(home: string) {
  const { studio, runner, project, base, dataset } = await trainProject({ configDir: home });
  return { studio, runner, project, cfg: { ...fast, baseArtifactId: base.id, datasetArtifactId: dataset.id } };
}

/** Processes whose parent is `ppid` (Linux /proc). */
function childrenOf(ppid: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const stepOf = (dir: string): number => (JSON.parse(readFileSync(join(dir, 'trainer_state.json'), 'utf8')) as { step: number }).step;

describe('resume from the newest complete checkpoint', () => {
  run(
    'after a kill: skips the half-written newest, adopts the unregistered complete one, continues at its step',
    async () => {
      const home = tempDir('studio-home-');
      const { studio, project, cfg } = await setup(home);
      const dir = project.dir;
      await studio.dispose();
      const { child, match } = await startChild(bundleHelper('test/helpers/trainKilledChild.ts'), [dir, home, JSON.stringify({ ...cfg, maxSteps: 500, saveEvery: 2 })], /STEP 3\n/);
      const runId = /TRAINING (\S+)/.exec(match.input)![1]!;
      const workers = childrenOf(child.pid!);
      expect(workers).toHaveLength(1);
      child.kill('SIGKILL');
      await expect.poll(() => isRunning(workers[0]!), { timeout: 120_000, interval: 200 }).toBe(false);

      const runDir = join(
        dir,
        'artifacts',
        'checkpoints',
        readdirSync(join(dir, 'artifacts', 'checkpoints')).find((n) => n.endsWith(`-${runId.slice(0, 8)}`))!,
      );
      const onDisk = readdirSync(runDir)
        .filter((n) => /^checkpoint-\d+$/.test(n))
        .map((n) => stepOf(join(runDir, n)));
      const newest = Math.max(...onDisk);
      expect(newest).toBeGreaterThan(2); // the orphaned worker's stop checkpoint, never registered
      // A newer save cut short: the adapter and the trainer state never written.
      const half = join(runDir, `checkpoint-${newest + 3}`);
      mkdirSync(half);
      copyFileSync(join(runDir, `checkpoint-${newest}`, 'adapter_config.json'), join(half, 'adapter_config.json'));

      const again = new Studio({ shell: 'server', configDir: home });
      again.openProject(dir);
      const { runner, project: p } = again.requireProject();
      await runner.idle();
      const r = runner.start('train.run', { ...cfg, maxSteps: newest + 2, saveEvery: 0, resumeRunId: runId });
      await runner.idle();
      const d = (await again.api.handle('jobs.get', { runId: r.id })) as RunDetail;
      expect(d.run.status, d.run.error ?? '').toBe('succeeded');
      const logs = d.logs.map((l) => l.message);
      expect(logs).toContain(`skipping ${half}: checkpoint-${newest + 3} is missing adapter_model.safetensors, trainer_state.safetensors, trainer_state.json`);
      expect(
        logs.some((m) => m.startsWith(`resuming run ${runId.slice(0, 8)} from its newest complete checkpoint, step ${newest} (${join(runDir, `checkpoint-${newest}`)})`)),
      ).toBe(true);
      // Its own steps start right after the checkpoint's; the earlier points are the killed run's.
      const loss = d.metrics.filter((m) => m.name === 'loss').map((m) => m.step);
      expect(loss.filter((s) => s > newest)).toEqual([newest + 1, newest + 2]);
      const killedLoss = p.store
        .listMetrics(runId)
        .filter((m) => m.name === 'loss')
        .map((m) => m.step);
      expect(loss.filter((s) => s <= newest)).toEqual(killedLoss.filter((s) => s <= newest));
      // The adopted checkpoint is the killed run's, registered once (the sweep at open and the resume agree).
      const adopted = p.store.listArtifacts(['adapter']).filter((a) => a.path.endsWith(`/checkpoint-${newest}`));
      expect(adopted).toHaveLength(1);
      expect(adopted[0]!.produced_by_run_id).toBe(runId);
      expect(p.db.prepare('SELECT step FROM checkpoints WHERE artifact_id = ?').get(adopted[0]!.id)).toEqual({ step: newest });
      expect(p.store.runInputs(r.id).map((a) => a.id)).toContain(adopted[0]!.id);
      await again.dispose();
    },
    300_000,
  );

  run(
    'registered checkpoints: the newest half-written one is skipped; with none complete the resume fails saying why',
    async () => {
      const { studio, runner, project, cfg } = await setup(tempDir());
      const first = runner.start('train.run', { ...cfg, maxSteps: 3, saveEvery: 1 });
      await runner.idle();
      expect(runner.summary(first.id).status).toBe('succeeded');
      const cps = project.store
        .runOutputs(first.id)
        .map((a) => join(project.dir, a.path))
        .sort();
      expect(cps.map((c) => c.split('/').pop())).toEqual(['checkpoint-1', 'checkpoint-2', 'checkpoint-3']);
      rmSync(join(cps[2]!, 'adapter_model.safetensors'));
      const r = runner.start('train.run', { ...cfg, maxSteps: 4, saveEvery: 0, resumeRunId: first.id });
      await runner.idle();
      const d = (await studio.api.handle('jobs.get', { runId: r.id })) as RunDetail;
      expect(d.run.status, d.run.error ?? '').toBe('succeeded');
      expect(d.logs.map((l) => l.message)).toContain(`skipping ${cps[2]}: checkpoint-3 is missing adapter_model.safetensors`);
      expect(d.metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual([1, 2, 3, 4]);
      expect(d.logs.some((l) => l.message.includes('from its newest complete checkpoint, step 2'))).toBe(true);
      await studio.dispose();

      // The CLI resumes the same way: `studio train --resume-run` continues the resumed run from its step-4 checkpoint.
      const file = join(tempDir(), 'train.json');
      writeFileSync(file, JSON.stringify({ ...cfg, maxSteps: 5, saveEvery: 0 }));
      process.env.STUDIO_HOME = tempDir();
      try {
        await runTrain(['--project', project.dir, '--resume-run', r.id, '--config', file]);
      } finally {
        delete process.env.STUDIO_HOME;
      }
      const again = new Studio({ shell: 'server', configDir: tempDir() });
      again.openProject(project.dir);
      const { runner: runner2, project: p2 } = again.requireProject();
      const cli = p2.store.listRuns({ limit: 5 }).find((x) => x.kind === 'train.run')!;
      const dc = (await again.api.handle('jobs.get', { runId: cli.id })) as RunDetail;
      expect(dc.run.status).toBe('succeeded');
      expect(dc.logs.some((l) => l.message.startsWith(`resuming run ${r.id.slice(0, 8)} from its newest complete checkpoint, step 4`))).toBe(true);
      expect(dc.metrics.filter((m) => m.name === 'loss').map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);

      for (const c of cps.slice(0, 2)) rmSync(join(c, 'adapter_model.safetensors'));
      const bad = runner2.start('train.run', { ...cfg, maxSteps: 4, resumeRunId: first.id });
      await runner2.idle();
      expect(runner2.summary(bad.id)).toMatchObject({
        status: 'failed',
        error: `run ${first.id.slice(0, 8)} cannot be resumed: no complete checkpoint: checkpoint-3 is missing adapter_model.safetensors; checkpoint-2 is missing adapter_model.safetensors; checkpoint-1 is missing adapter_model.safetensors`,
      });
      await again.dispose();
    },
    300_000,
  );
});
