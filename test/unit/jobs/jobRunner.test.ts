import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../preload/contract';
import { Studio } from '../../../main/core/studio';
import { openProject } from '../../../main/core/project/project';
import { hangJob, tickJob } from '../../helpers/jobs';
import { tempDir } from '../../helpers/tmp';

function setup(concurrency = 2) {
  const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-'), concurrency });
  const dir = join(tempDir(), 'p');
  studio.createProject(dir, 'jobs');
  const { runner, project } = studio.requireProject();
  runner.register(tickJob);
  runner.register(hangJob);
  const updates: RunSummary[] = [];
  studio.events.subscribe((event, payload) => {
    if (event === 'run.updated') updates.push(payload as RunSummary);
  });
  return { studio, runner, project, dir, updates };
}

const waitFor = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('job runner', () => {
  it('runs a job to success, persisting progress, logs and metrics', async () => {
    const { studio, runner, project, updates } = setup();
    const run = runner.start('test.tick', { ticks: 5, ms: 5 });
    expect(['queued', 'running']).toContain(run.status);
    await runner.idle();
    const done = runner.summary(run.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, error: null });
    expect(done.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(project.store.listLogs(run.id).map((l) => l.message)).toEqual(['tick 1', 'tick 2', 'tick 3', 'tick 4', 'tick 5']);
    expect(project.store.listMetrics(run.id).map((m) => m.value)).toEqual([10, 20, 30, 40, 50]);
    const statuses = updates.filter((u) => u.id === run.id).map((u) => u.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    await studio.dispose();
  });

  it('records a failure with its error message', async () => {
    const { studio, runner, project } = setup();
    const run = runner.start('test.tick', { ticks: 5, ms: 1, failAt: 3 });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'failed', error: 'tick 3 failed on purpose' });
    expect(project.store.listLogs(run.id).at(-1)).toMatchObject({ level: 'error', message: 'tick 3 failed on purpose' });
    await studio.dispose();
  });

  it('rejects a config that does not fit the job kind, naming the field', () => {
    const { runner } = setup();
    expect(() => runner.start('test.tick', { ticks: -1, ms: 1 })).toThrow(/invalid config for test\.tick: ticks:/);
    expect(() => runner.start('no.such.kind', {})).toThrow(/unknown job kind 'no\.such\.kind'/);
  });

  it('honours the concurrency limit and cancels running and queued jobs', async () => {
    const { studio, runner } = setup(1);
    const a = runner.start('test.hang', {});
    const b = runner.start('test.tick', { ticks: 3, ms: 1 });
    await waitFor(() => runner.summary(a.id).status === 'running');
    expect(runner.summary(b.id).status).toBe('queued');
    expect(runner.cancel(b.id).status).toBe('cancelled'); // queued: ends at once
    runner.cancel(a.id);
    await runner.idle();
    expect(runner.summary(a.id).status).toBe('cancelled');
    expect(runner.summary(b.id).startedAt).toBeNull();
    await studio.dispose();
  });

  it('a job left running by a process that died shows as interrupted on the next open', async () => {
    const { runner, dir } = setup();
    const run = runner.start('test.hang', {});
    await waitFor(() => runner.summary(run.id).status === 'running');
    // Simulate a crash: the first process never shuts down and its lock names a pid that is gone.
    const lock = join(dir, 'studio.lock');
    writeFileSync(lock, JSON.stringify({ ...JSON.parse(readFileSync(lock, 'utf8')), pid: spawnSync('true').pid }));
    const studio2 = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
    studio2.openProject(dir);
    const row = studio2.requireProject().project.store.getRun(run.id)!;
    expect(row.status).toBe('interrupted');
    expect(row.error).toMatch(/stopped while this job was unfinished/);
    await studio2.dispose();
  });

  it('closing the project ends running jobs as interrupted, not running forever', async () => {
    const { studio, runner, dir } = setup();
    const run = runner.start('test.hang', {});
    await waitFor(() => runner.summary(run.id).status === 'running');
    await studio.closeProject();
    const p = openProject(dir);
    expect(p.store.getRun(run.id)!.status).toBe('interrupted');
    p.close();
  });
});
