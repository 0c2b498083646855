// A rollout killed at 100 % (issue 23): every trajectory played and stored, the
// process SIGKILLed before or while writing its output, or after writing it but
// before registering it. The next open's sweep and the resume together leave one
// folder (named after the rollout id) and one artifact for the rollout, the resume
// plays nothing again, and the file holds every trajectory once.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrajectoryStore } from '../../../../main/core/db/trajectories';
import { Studio } from '../../../../main/core/studio';
import { workerFile } from '../../../../main/core/util/workerThread';
import { bundleHelper, startChild } from '../../../helpers/childProcess';
import { tempDir } from '../../../helpers/tmp';

const CONFIG = { game: 'sokoban', tasks: 3, samplesPerTask: 2, seed: 7, concurrency: 2, name: 'killed roll' };

/** A project whose rollout was killed at `point`; returns the rollout id. */
async function killedRollout(point: 'before-write' | 'before-register'): Promise<{ dir: string; home: string; rolloutId: string }> {
  const home = tempDir('studio-home-');
  const dir = join(tempDir(), 'p');
  const first = new Studio({ shell: 'server', configDir: home });
  first.createProject(dir, 'killed');
  await first.dispose();
  // The child is a bundle, not the sources: it is handed the game worker built from them.
  const { child, match } = await startChild(bundleHelper('test/helpers/rolloutKilledChild.ts'), [dir, home, point, JSON.stringify(CONFIG)], /ROLLOUT (\S+)\n/, {
    STUDIO_GAME_WORKER: workerFile('gameWorker'),
  });
  const exit = await new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
  expect(exit).toBe('SIGKILL'); // it killed itself at the chosen point, not earlier
  return { dir, home, rolloutId: match[1]! };
}

function trajectoriesFolders(dir: string): string[] {
  const root = join(dir, 'artifacts', 'trajectories');
  return existsSync(root) ? readdirSync(root) : [];
}

async function resumeAndCheck(dir: string, home: string, rolloutId: string, o: { waitForSweep: boolean }) {
  const studio = new Studio({ shell: 'server', configDir: home });
  studio.openProject(dir);
  const { runner, project } = studio.requireProject();
  if (o.waitForSweep) await runner.idle();
  const store = new TrajectoryStore(project.db);
  const stored = store.byRollout(rolloutId);
  expect(stored.map((r) => r.status)).toEqual(Array(6).fill('complete'));
  // As the UI's Resume does: the stored config with the rollout to continue.
  const resumed = runner.start('rollout.run', { ...CONFIG, resumeRolloutId: rolloutId });
  await runner.idle();
  expect(runner.summary(resumed.id).status).toBe('succeeded');
  expect(store.byRollout(rolloutId)).toHaveLength(6); // nothing played again
  const arts = project.store.listArtifacts(['trajectories']);
  expect(arts).toHaveLength(1);
  const folders = trajectoriesFolders(dir);
  expect(folders).toEqual([`killed-roll-${rolloutId.slice(0, 8)}`]);
  expect(arts[0]!.path).toBe(`artifacts/trajectories/${folders[0]}`);
  expect(project.store.runOutputs(resumed.id).map((a) => a.id)).toEqual([arts[0]!.id]);
  expect(JSON.parse(arts[0]!.meta_json)).toMatchObject({ rolloutId, trajectories: 6 });
  const ids = readFileSync(join(dir, arts[0]!.path, 'trajectories.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: string }).id);
  expect(ids.sort()).toEqual(stored.map((r) => r.id).sort());
  const logs = [...project.store.listRuns({ limit: 20 })].flatMap((r) => project.store.listLogs(r.id).map((l) => l.message));
  await studio.dispose();
  return logs.join('\n');
}

describe('a rollout killed at 100 %', () => {
  it('killed after writing, before registering: the sweep adopts the folder and the resume reuses it (no copy)', async () => {
    const { dir, home, rolloutId } = await killedRollout('before-register');
    expect(trajectoriesFolders(dir)).toEqual([`killed-roll-${rolloutId.slice(0, 8)}`]);
    const log = await resumeAndCheck(dir, home, rolloutId, { waitForSweep: true });
    expect(log).toMatch(/registered the finished trajectories .*killed-roll-/);
    expect(log).toContain(`was written for rollout run ${rolloutId.slice(0, 8)}`);
    expect(log).toMatch(/is complete and registered already .*: kept, not written again/);
  }, 60_000);

  it('killed after writing, the resume started while the sweep runs: still one artifact', async () => {
    const { dir, home, rolloutId } = await killedRollout('before-register');
    const log = await resumeAndCheck(dir, home, rolloutId, { waitForSweep: false });
    // Whichever came first registered it; the other found it registered.
    expect(log).toMatch(/registered meanwhile|kept, not written again/);
  }, 60_000);

  it('killed while writing: the half-written folder is swept and the resume writes the one folder', async () => {
    const { dir, home, rolloutId } = await killedRollout('before-write');
    expect(trajectoriesFolders(dir)).toEqual([]);
    // What a kill in the middle of the write leaves: the .partial folder with part of the file.
    const partial = join(dir, 'artifacts', 'trajectories', `killed-roll-${rolloutId.slice(0, 8)}.partial`);
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'trajectories.jsonl.partial'), '{"id":"half');
    const log = await resumeAndCheck(dir, home, rolloutId, { waitForSweep: true });
    expect(log).toContain(`removed the partial output ${partial}`);
  }, 60_000);

  it('an unregistered complete folder with the wrong trajectories is rewritten in place, not copied', async () => {
    const { dir, home, rolloutId } = await killedRollout('before-register');
    const file = join(dir, 'artifacts', 'trajectories', `killed-roll-${rolloutId.slice(0, 8)}`, 'trajectories.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`); // a stale state: two of six
    const studio = new Studio({ shell: 'server', configDir: home });
    studio.openProject(dir);
    const { runner, project } = studio.requireProject();
    await runner.idle();
    const resumed = runner.start('rollout.run', { ...CONFIG, resumeRolloutId: rolloutId });
    await runner.idle();
    expect(runner.summary(resumed.id).status).toBe('succeeded');
    expect(trajectoriesFolders(dir)).toEqual([`killed-roll-${rolloutId.slice(0, 8)}`]);
    const arts = project.store.listArtifacts(['trajectories']);
    expect(arts).toHaveLength(1);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(6);
    await studio.dispose();
  }, 60_000);
});
