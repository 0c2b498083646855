// Finds and starts the core's worker threads (CPU-heavy job work kept off the
// thread that answers the UI). The built app (this code in out/main) runs
// out/main/<name>.js (entries in electron.vite.config.ts). Anywhere else, i.e.
// TypeScript sources under vitest or a test's own esbuild bundle, a built file
// may be missing or older than the sources, so the entry is bundled on the fly
// with esbuild (a dev dependency, loaded only then) into node_modules/.cache,
// where its packages (zod, …) still resolve. STUDIO_<NAME>_WORKER overrides
// the file (tests start a worker that dies).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { appRoot } from './paths';
import { StudioError } from './errors';

export type WorkerName = 'gameWorker' | 'importWorker' | 'engineWorker';

const SOURCES: Record<WorkerName, string> = {
  gameWorker: 'main/core/games/worker/gameWorker.ts',
  importWorker: 'main/core/steps/rollout/worker/importWorker.ts',
  // a child process, not a thread (policies/engineWorker/engineHost.ts forks it)
  engineWorker: 'main/core/policies/engineWorker/engineProcess.ts',
};

/** This code runs from the app's build (out/main, also inside a packaged app.asar). */
const inBuiltApp = (): boolean => {
  const here = fileURLToPath(import.meta.url);
  return here.startsWith(join(appRoot(), 'out', 'main') + sep) || here.includes(`app.asar${sep}`);
};
const bundled = new Map<WorkerName, string>();

function bundleFromSources(name: WorkerName): string {
  const hit = bundled.get(name);
  if (hit) return hit;
  const root = appRoot();
  const esbuild = createRequire(join(root, 'package.json'))('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({ entryPoints: [join(root, SOURCES[name])], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, logLevel: 'error' });
  const code = out.outputFiles[0]!.contents;
  const dir = join(root, 'node_modules', '.cache', 'studio-workers');
  mkdirSync(dir, { recursive: true });
  // Named by content: concurrent test processes share a file only when it is the same code.
  const file = join(dir, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    // Written aside and renamed: another process never starts a half-written file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  bundled.set(name, file);
  return file;
}

export function workerFile(name: WorkerName): string {
  const override = process.env[`STUDIO_${name.replace('Worker', '').toUpperCase()}_WORKER`];
  if (override) return override;
  const file = join(appRoot(), 'out', 'main', `${name}.js`);
  if (!inBuiltApp() && existsSync(join(appRoot(), SOURCES[name]))) return bundleFromSources(name);
  if (!existsSync(file)) throw new StudioError('not_built', `the ${name} ${file} is missing; run 'npm run build'`);
  return file;
}

export function startWorker(name: WorkerName): Worker {
  return new Worker(workerFile(name), { stdout: false, stderr: false });
}

/** Raised when a worker thread dies (crash, out of memory): the whole job fails with it, never one item. */
export class WorkerDiedError extends StudioError {
  constructor(name: string, reason: string) {
    super('worker_died', `the ${name} stopped: ${reason}`);
  }
}

export interface RpcWorker {
  call<T>(msg: Record<string, unknown>, signal?: AbortSignal, transfer?: ArrayBuffer[]): Promise<T>;
  close(): Promise<void>;
  readonly threadId: number;
}

/**
 * Request/answer over a worker thread: each call gets the answer to its own id.
 * An aborted signal rejects at once (the caller then terminates the worker: a
 * busy thread reads no messages); a worker that dies rejects every call with why.
 */
export function rpcWorker(name: WorkerName, label: string): RpcWorker {
  const worker = startWorker(name);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let died: Error | null = null;
  let closing = false;
  let next = 1;
  const fail = (e: Error): void => {
    died ??= e;
    for (const p of pending.values()) p.reject(died);
    pending.clear();
  };
  worker.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error ?? 'failed'));
  });
  worker.on('error', (err) => fail(new WorkerDiedError(label, err instanceof Error ? err.message : String(err))));
  worker.on('exit', (code) => fail(closing ? new StudioError('worker_closed', `the ${label} was closed`) : new WorkerDiedError(label, `exited with code ${code}`)));
  return {
    threadId: worker.threadId,
    call<T>(msg: Record<string, unknown>, signal?: AbortSignal, transfer?: ArrayBuffer[]): Promise<T> {
      if (died) return Promise.reject(died);
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          pending.delete(id);
          reject(signal?.reason instanceof Error ? signal.reason : new StudioError('cancelled', 'cancelled'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = (f: () => void) => () => {
          signal?.removeEventListener('abort', onAbort);
          f();
        };
        pending.set(id, { resolve: (v) => done(() => resolve(v as T))(), reject: (e) => done(() => reject(e))() });
        worker.postMessage({ ...msg, id }, transfer ?? []);
      });
    },
    async close(): Promise<void> {
      closing = true;
      await worker.terminate();
    },
  };
}
