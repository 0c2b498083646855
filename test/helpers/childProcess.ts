// Runs a TypeScript helper in a real separate Node process (bundled by esbuild,
// packages left external), for tests that need two processes on one project.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..');

export function bundleHelper(entry: string): string {
  const outDir = join(root, 'test-output', 'children');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${entry.replace(/\W+/g, '_')}.mjs`);
  buildSync({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  return outfile;
}

/** Starts the helper and resolves once a stdout line matches `ready`. */
export function startChild(file: string, args: string[], ready: RegExp, env?: Record<string, string>): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
}

/** Whether a process still runs: gone, or a zombie waiting for its parent to reap it, is not running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}
