// Two processes on one project: the owner's lock, read-only viewers that leave the
// owner's live runs alone, stale-lock takeover after a kill, and no "database is locked".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { Studio } from '../../../main/core/studio';
import { openProject } from '../../../main/core/project/project';
import { lockPath } from '../../../main/core/project/lock';
import { bundleHelper, startChild } from '../../helpers/childProcess';
import { tempDir } from '../../helpers/tmp';

let owner = '';
const children: ChildProcess[] = [];
beforeAll(() => {
  owner = bundleHelper('test/helpers/projectOwnerChild.ts');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function newProject(): string {
  const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
  const dir = join(tempDir(), 'p');
  studio.createProject(dir, 'Locked');
  void studio.dispose();
  return dir;
}

async function ownedByChild(dir: string, mode = 'hang'): Promise<{ child: ChildProcess; runId: string }> {
  const { child, match } = await startChild(owner, [dir, mode, tempDir('studio-home-')], /RUNNING (\S+)/);
  children.push(child);
  return { child, runId: match[1]! };
}

describe('project ownership', () => {
  it('another process sees who owns the project, opens it read-only, and leaves its live run alone', async () => {
    const dir = newProject();
    const { child, runId } = await ownedByChild(dir);
    const lock = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
    expect(lock.pid).toBe(child.pid);
    const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
    expect(() => studio.openProject(dir)).toThrow(new RegExp(`in use by studio server \\(pid ${child.pid} on `));
    studio.openProject(dir, { readOnlyIfHeld: true });
    const { project } = studio.requireProject();
    expect(project.isOwner).toBe(false);
    expect(project.heldBy?.pid).toBe(child.pid);
    // The owner's run is alive: a viewer must not call it interrupted.
    expect(project.store.getRun(runId)!.status).toBe('running');
    // Writes are refused naming the owner, not in SQLite's words.
    await expect(studio.api.handle('jobs.start', { kind: 'artifact.import', config: { path: dir, kind: 'file', mode: 'reference' } })).rejects.toThrow(
      new RegExp(`owned by studio server \\(pid ${child.pid} .*; it is open read-only here`),
    );
    expect(() => project.store.setMeta('x', 'y')).toThrow(/readonly/);
    await studio.dispose();
    // The viewer's close did not remove the owner's lock.
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(child.pid);
  });

  it('a lock left by a killed process is stale: the next owner takes over and marks the dead run interrupted', async () => {
    const dir = newProject();
    const { child, runId } = await ownedByChild(dir);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const studio = new Studio({ shell: 'server', configDir: tempDir('studio-home-') });
    studio.openProject(dir);
    const { project } = studio.requireProject();
    expect(project.isOwner).toBe(true);
    expect(project.tookOverFrom?.pid).toBe(child.pid);
    expect(project.store.getRun(runId)!).toMatchObject({ status: 'interrupted' });
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(process.pid);
    await studio.dispose();
    // Closing released it: anyone can own it now.
    const again = openProject(dir);
    expect(again.isOwner).toBe(true);
    again.close();
  });

  it('a reader next to a busy writer in another process never gets "database is locked"', async () => {
    const dir = newProject();
    const { runId } = await ownedByChild(dir, 'write');
    const viewer = openProject(dir, { readOnlyIfHeld: true });
    const t0 = Date.now();
    let reads = 0;
    while (Date.now() - t0 < 3000) {
      expect(viewer.store.getRun(runId)!.status).toBe('running');
      viewer.store.listLogs(runId, 0, 50);
      reads++;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(reads).toBeGreaterThan(100);
    expect(viewer.store.listLogs(runId, 0, 10).length).toBe(10);
    viewer.close();
  });
});
