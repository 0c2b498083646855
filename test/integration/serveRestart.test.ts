// `studio serve` restarted: same --port, the kept token still opens the API (an open
// tab reconnects), the last project comes back, Ctrl+C during a job is prompt and
// the job ends as interrupted, and the port is free again at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../main/core/studio';
import { openProject } from '../../main/core/project/project';
import { bundleHelper } from '../helpers/childProcess';
import { WsClient } from '../helpers/server';
import { tempDir } from '../helpers/tmp';

let cli = '';
const live: ChildProcess[] = [];
beforeAll(() => {
  cli = bundleHelper('main/cli/cli.ts');
});
afterEach(() => {
  for (const c of live.splice(0)) c.kill('SIGKILL');
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function serve(home: string, args: string[]): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', ...args], { env: { ...process.env, STUDIO_HOME: home } });
    live.push(child);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Open this URL in your browser: (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, out: () => out });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
  });
}

const socketOf = (url: string): string => url.replace(/^http/, 'ws').replace(/\/\?token=/, '/api?token=');

describe('studio serve restart', () => {
  it('keeps port and token, reopens the last project, stops promptly with the job interrupted', async () => {
    const home = tempDir('studio-home-');
    const dir = join(tempDir(), 'served');
    const s = new Studio({ shell: 'server', configDir: home });
    s.createProject(dir, 'Served');
    await s.dispose();
    // A 64 GB sparse file: hashing it is a job that runs for a long while.
    const big = join(tempDir(), 'big.bin');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 64 * 1024 ** 3);
    closeSync(fd);

    const port = await freePort();
    const a = await serve(home, ['--port', String(port), '--keep-token']);
    expect(a.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[\\w-]{24,}$`));
    expect(a.out()).toContain('Reopened the last project: Served');
    const c = await WsClient.open(socketOf(a.url));
    expect(await c.call('project.current')).toMatchObject({ name: 'Served' });
    const run = (await c.call('jobs.start', { kind: 'artifact.import', config: { path: big, kind: 'file', mode: 'reference' } })) as { id: string };
    await expect
      .poll(async () => (await c.call('jobs.get', { runId: run.id })) as { run?: { status: string }; status?: string }, { timeout: 10_000 })
      .toSatisfy((g: { run?: { status: string }; status?: string }) => (g.run?.status ?? g.status) === 'running');

    const t0 = Date.now();
    a.child.kill('SIGINT');
    await new Promise((r) => a.child.once('exit', r));
    const stopMs = Date.now() - t0;
    expect(stopMs).toBeLessThan(5000);
    const p = openProject(dir);
    expect(p.store.getRun(run.id)!.status).toBe('interrupted');
    p.close();

    // Restart at once on the same port: it binds, and the old tab's token still works.
    const b = await serve(home, ['--port', String(port), '--keep-token']);
    expect(b.url).toBe(a.url);
    const again = await WsClient.open(socketOf(a.url));
    expect(await again.call('project.current')).toMatchObject({ name: 'Served' });
    again.close();
    // Without --keep-token a restart gets a new token and the old one is refused.
    b.child.kill('SIGINT');
    await new Promise((r) => b.child.once('exit', r));
    const d = await serve(home, ['--port', String(port)]);
    expect(d.url).not.toBe(a.url);
    await expect(WsClient.open(socketOf(a.url))).rejects.toThrow(/401/);
    console.log(`serve stopped ${stopMs} ms after SIGINT with a job running`);
  });

  it('says clearly when the port is taken', async () => {
    const home = tempDir('studio-home-');
    const port = await freePort();
    await serve(home, ['--port', String(port), '--no-reopen']);
    await expect(serve(home, ['--port', String(port), '--no-reopen'])).rejects.toThrow(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
  });
});
