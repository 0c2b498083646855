// The engine policy's weights and generate live in a process of the job's own: killing that process
// (as the system's out-of-memory killer does) fails the job with the reason, in words, while the app's
// process and its runner go on and the next engine job works; a cancel ends the process at once; an
// engine process that cannot start fails the job with what it printed. Live, on a tiny real-layout
// Qwen3-VL written by transformers.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../preload/contract';
import { engineState } from '../../../main/core/native/engine';
import { fileScopedDir, makeTinyModel, projectWith } from '../../helpers/tinyEngineModel';
import { isRunning } from '../../helpers/childProcess';

const run = engineState().loaded || process.env.STUDIO_REQUIRE_NATIVE ? it : it.skip;
const root = fileScopedDir();
let env: Awaited<ReturnType<typeof projectWith>>;

beforeAll(async () => {
  if (!engineState().loaded) return;
  env = await projectWith(root.dir, await makeTinyModel(join(root.dir, 'tiny')), []);
}, 300_000);
afterAll(async () => {
  delete process.env.STUDIO_ENGINE_WORKER;
  await env?.studio.dispose();
  root.remove();
});

/** A long engine rollout (many tasks, long replies) so there is time to act while it generates. */
function startRollout(tasks: number, maxTokens: number) {
  return env.runner.start('rollout.run', {
    game: 'sokoban',
    settings: { maxTurns: 4, fitTurnLimit: false },
    tasks,
    samplesPerTask: 1,
    seed: 90,
    concurrency: 2,
    policy: { type: 'engine', modelArtifactId: env.base.id, maxTokens },
  });
}

async function detail(runId: string): Promise<RunDetail> {
  return (await env.studio.api.handle('jobs.get', { runId })) as RunDetail;
}

/** The engine process's pid, once the run's log names it and its first trajectory is played. */
async function enginePid(runId: string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    const d = await detail(runId);
    const line = d.logs.find((l) => /engine process \d+ holds/.test(l.message));
    if (line && d.run.progress > 0) return Number(/engine process (\d+)/.exec(line.message)![1]);
    if (d.run.status !== 'running' && d.run.status !== 'queued') throw new Error(`the run ended ${d.run.status}: ${d.run.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the engine process never started');
}

describe('the engine policy in its own process', () => {
  run(
    'killed like an out-of-memory kill: the job fails saying so, the app goes on, the next engine job works',
    async () => {
      const r = startRollout(40, 48);
      const pid = await enginePid(r.id);
      expect(pid).not.toBe(process.pid);
      process.kill(pid, 'SIGKILL');
      await env.runner.idle();
      const d = await detail(r.id);
      expect(d.run.status).toBe('failed');
      expect(d.run.error).toMatch(/the engine process stopped: it was killed \(SIGKILL, pid \d+\) — most often the system ran out of memory/);
      // Not one failed episode after another: the job stopped at the first.
      expect(d.logs.filter((l) => l.level === 'warn' && /task \d+ sample/.test(l.message)).length).toBe(0);
      const next = startRollout(2, 6);
      await env.runner.idle();
      expect((await detail(next.id)).run).toMatchObject({ status: 'succeeded' });
    },
    600_000,
  );

  run(
    'a cancel ends the engine process at once',
    async () => {
      const r = startRollout(40, 48);
      const pid = await enginePid(r.id);
      const t0 = Date.now();
      env.runner.cancel(r.id);
      await env.runner.idle();
      const waited = Date.now() - t0;
      expect(['cancelled', 'paused']).toContain((await detail(r.id)).run.status);
      expect(isRunning(pid)).toBe(false);
      // Not after the generate call in flight (48 tokens take this tiny model seconds under load), and never minutes.
      expect(waited).toBeLessThan(30_000);
    },
    600_000,
  );

  run(
    'a model folder the engine cannot load fails the job and leaves no engine process behind',
    async () => {
      const broken = join(root.dir, 'broken-model');
      cpSync(env.base.path, broken, { recursive: true });
      for (const f of readdirSync(broken)) if (f.endsWith('.safetensors')) writeFileSync(join(broken, f), 'not safetensors');
      const r = env.runner.start('rollout.run', {
        game: 'sokoban',
        tasks: 1,
        samplesPerTask: 1,
        seed: 1,
        concurrency: 1,
        policy: { type: 'engine', modelDir: broken, maxTokens: 4 },
      });
      await env.runner.idle();
      expect((await detail(r.id)).run.status).toBe('failed');
      // Children of this process running the engine worker: none once the job has failed.
      const engineChildren = readdirSync('/proc').filter((n) => {
        try {
          const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          return ppid === process.pid && readFileSync(`/proc/${n}/cmdline`, 'utf8').includes('engineWorker') && isRunning(Number(n));
        } catch {
          return false;
        }
      });
      expect(engineChildren).toEqual([]);
    },
    300_000,
  );

  run(
    'an engine process that cannot start fails the job with what it printed',
    async () => {
      const dying = join(root.dir, 'dying-engine.mjs');
      writeFileSync(dying, "process.stderr.write('libtorch_cpu.so: cannot open shared object file\\n'); process.exit(3);\n");
      process.env.STUDIO_ENGINE_WORKER = dying;
      try {
        const r = startRollout(2, 6);
        await env.runner.idle();
        const d = await detail(r.id);
        expect(d.run.status).toBe('failed');
        expect(d.run.error).toMatch(/the engine process stopped: it exited with code 3 \(pid \d+\); it said: libtorch_cpu\.so: cannot open shared object file/);
      } finally {
        delete process.env.STUDIO_ENGINE_WORKER;
      }
    },
    300_000,
  );
});
