// Runs a launch folder's run_gigpo.sh on this machine when verl is installed:
// its output becomes the job's log, reward lines become metrics, and cancel
// ends the whole process group (the trainer, Ray workers and vLLM with it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { RlLaunchConfig } from '../../../../preload/contract/rl';
import type { JobContext, JobDefinition } from '../../jobs/types';
import { CancelledError, StudioError } from '../../util/errors';
import { isDir } from '../../util/fileSystem';
import { parseStepLine } from './rewardLog';

type Config = z.output<typeof RlLaunchConfig>;

export interface LaunchJobOptions {
  /** Added to the environment of every command (tests put a stand-in python3 first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL on cancel. */
  killAfterMs?: number;
}

/** Whether `python3 -c "import verl"` works here (the wizard shows "Run" only then). */
export function verlStatus(env: NodeJS.ProcessEnv = process.env, cwd?: string): { available: boolean; reason: string } {
  const r = spawnSync('python3', ['-c', 'import verl'], { env, cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return { available: true, reason: 'python3 imports verl' };
  return { available: false, reason: r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit code ${r.status}`) };
}

function checkVerl(env: NodeJS.ProcessEnv, cwd: string | undefined, folder: string): void {
  const { available, reason: why } = verlStatus(env, cwd);
  if (available) return;
  throw new StudioError(
    'no_verl',
    `verl is not installed for python3 on this machine (python3 -c "import verl": ${why}); the launch folder ${folder} is ready to copy to a machine with verl-agent: bash run_gigpo.sh`,
  );
}

/** Steps the run will take: one per batch of env groups, per epoch. */
function totalSteps(folder: string): number | null {
  try {
    const c = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as {
      hyperParameters?: { totalEpochs?: number; trainDataSize?: number };
      data?: { train?: { rows?: number } };
    };
    const epochs = c.hyperParameters?.totalEpochs;
    const batch = c.hyperParameters?.trainDataSize;
    const rows = c.data?.train?.rows;
    return epochs && batch && rows ? epochs * Math.max(1, Math.floor(rows / batch)) : null;
  } catch {
    return null;
  }
}

function follow(ctx: JobContext<Config>, stream: NodeJS.ReadableStream, total: number | null): void {
  const lines = createInterface({ input: stream });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    ctx.log(/error|traceback|exception/i.test(line) ? 'warn' : 'info', line.length > 4000 ? `${line.slice(0, 4000)}…` : line);
    const m = parseStepLine(line);
    if (!m) return;
    for (const v of m.values) ctx.metric(v.name, m.step, v.value);
    const score = m.values.find((v) => /score\/mean|reward/.test(v.name));
    ctx.progress(total ? m.step / total : 0, `step ${m.step}${total ? ` of ${total}` : ''}${score ? `, ${score.name} ${score.value}` : ''}`);
  });
}

export function makeRlLaunchJob(options: LaunchJobOptions = {}): JobDefinition<Config> {
  return {
    kind: 'rl.launch',
    step: 'rl',
    schema: RlLaunchConfig,
    title: () => 'Run GiGPO (verl-agent)',
    async run(ctx) {
      const launch = ctx.input(ctx.config.launchArtifactId, 'launch', ['rl-launch'], 'an RL launch folder');
      const script = join(launch.path, 'run_gigpo.sh');
      if (!existsSync(script)) throw new StudioError('bad_input', `${script} is missing; write the launch folder again`);
      const verlDir = ctx.config.verlAgentDir;
      if (verlDir !== undefined && !isDir(verlDir)) throw new StudioError('bad_input', `verlAgentDir: ${verlDir} is not a folder`);
      const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
      checkVerl(env, verlDir, launch.path);
      // Runs go beside the launch folder, so the folder itself (and its recorded hash) stays as written.
      const runDir = `${launch.path}.runs/${ctx.runId.slice(0, 8)}`;
      const child = spawn('bash', [script, ...ctx.config.extraArgs], {
        cwd: launch.path,
        env: { ...env, RUN_DIR: runDir, ...(verlDir ? { VERL_AGENT_DIR: verlDir } : {}) },
        detached: true, // its own process group, so cancel reaches every child
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      ctx.log('info', `started bash ${script} (pid ${child.pid}); logs and checkpoints in ${runDir}`);
      const total = totalSteps(launch.path);
      follow(ctx, child.stdout!, total);
      follow(ctx, child.stderr!, total);
      const stop = (): void => {
        if (child.pid === undefined || child.exitCode !== null) return;
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          return; // already gone
        }
        const killTimer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, options.killAfterMs ?? 10_000);
        killTimer.unref();
      };
      ctx.signal.addEventListener('abort', stop, { once: true });
      const code = await new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (c) => resolve(c));
      }).finally(() => ctx.signal.removeEventListener('abort', stop));
      // After a cancel the timer stays armed: a child that ignored SIGTERM may outlive bash.
      if (ctx.signal.aborted) throw new CancelledError();
      if (code !== 0) throw new StudioError('rl_failed', `run_gigpo.sh exited with code ${code}; the full log is ${join(runDir, 'train.log')}`);
      ctx.progress(1, 'finished');
      ctx.log('info', `GiGPO run finished; checkpoints in ${join(runDir, 'checkpoints')}`);
    },
  };
}
