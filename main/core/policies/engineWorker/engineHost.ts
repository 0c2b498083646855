// The app's side of the engine process (engineProcess.ts): forks it, loads the model there, and turns
// each request into a promise of its own answer. When the process dies (the system's out-of-memory
// killer, a crash in libtorch) every waiting call is rejected with what happened, in words, and the
// job fails with that; the app and the other jobs go on. close() ends the process at once: a cancel
// does not wait for a long generate call to finish.
import { type ChildProcess, fork } from 'node:child_process';
import type { EngineBatch } from '../../model/encode';
import type { GenerateOptions, LoraSettings } from '../../native/engine';
import { StudioError } from '../../util/errors';
import { WorkerDiedError, workerFile } from '../../util/workerThread';
import { type EngineAnswers, type EngineRequest, type FromEngine, isFromEngine } from './messages';

const STDERR_KEPT = 4000;

/** An answer's error with the engine's code kept (ENGINE_OUT_OF_MEMORY …), as the addon raises it in-process. */
class EngineCallError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface EngineHostOptions {
  modelDir: string;
  device: string;
  dtype: 'float32' | 'bfloat16';
}

export class EngineHost {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private next = 1;
  private died: Error | null = null;
  private closing = false;
  private stderr = '';
  private readonly exited: Promise<void>;
  parameters = 0;
  weightBytes = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-STDERR_KEPT);
    });
    child.on('message', (m: unknown) => {
      if (!isFromEngine(m) || m.type !== 'answer') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new EngineCallError(m.message, m.code));
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.fail(this.closing ? new StudioError('cancelled', 'the engine process was closed') : this.death(code, signal));
        resolve();
      });
      child.on('error', (err) => this.fail(new WorkerDiedError(this.what, `it could not run: ${err.message}`)));
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Forks the engine process and loads the model folder in it. */
  static async start(o: EngineHostOptions): Promise<EngineHost> {
    // Inside Electron, process.execPath is the Electron binary: run it as plain Node.
    const child = fork(workerFile('engineWorker'), [], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const host = new EngineHost(child, 'engine process');
    try {
      await host.ready();
      const info = await host.call({ type: 'load', modelDir: o.modelDir, device: o.device, dtype: o.dtype });
      host.parameters = info.parameters;
      host.weightBytes = info.weightBytes;
      return host;
    } catch (err) {
      await host.close(); // a model that did not load leaves no process behind
      throw err;
    }
  }

  /** A LoRA named key over the loaded weights: the adapter file's A/B, or a zero LoRA (lora r=1, no file) for the base. */
  adapter(key: string, lora: LoraSettings, initAdapter: string | null): Promise<null> {
    return this.call({ type: 'adapter', key, lora, initAdapter });
  }

  async generate(key: string, batch: EngineBatch, options: GenerateOptions): Promise<Int32Array[]> {
    try {
      return await this.call({ type: 'generate', key, batch, options });
    } catch (err) {
      if (err instanceof EngineCallError && err.code === 'ENGINE_OUT_OF_MEMORY')
        throw new StudioError(
          'out_of_memory',
          `out of memory while generating: ${err.message.split('\n')[0]} — lower the policy's max batch (or the concurrency) or its max tokens`,
        );
      throw err;
    }
  }

  /** Ends the process (a generate still running is abandoned); resolves once it has exited. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.closing = true;
    if (this.child.connected) this.child.disconnect();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(killer);
  }

  private ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: unknown): void => {
        if (isFromEngine(m) && m.type === 'ready') done(resolve);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => done(() => reject(this.death(code, signal)));
      const done = (f: () => void): void => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        f();
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
    });
  }

  private call<R extends EngineRequest>(request: R): Promise<EngineAnswers[R['type']]> {
    if (this.died) return Promise.reject(this.died);
    const id = this.next++;
    return new Promise<EngineAnswers[R['type']]>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as EngineAnswers[R['type']]), reject });
      this.child.send({ ...request, id }, (err) => {
        if (!err) return;
        // The process is going away: its exit says why and rejects the call then. Only a channel that broke
        // while the process runs on is reported as such, a moment later.
        setTimeout(() => {
          if (this.pending.delete(id)) reject(this.died ?? new WorkerDiedError(this.what, `it is not answering: ${err.message}`));
        }, 2000).unref();
      });
    });
  }

  private fail(e: Error): void {
    this.died ??= e;
    for (const p of this.pending.values()) p.reject(this.died);
    this.pending.clear();
  }

  /** "the engine process stopped: it was killed (SIGKILL, pid 42) — most often …; it said: …" */
  private death(code: number | null, signal: NodeJS.Signals | null): WorkerDiedError {
    const how = signal ? `it was killed (${signal}, pid ${this.pid})` : `it exited with code ${code} (pid ${this.pid})`;
    const hint = signal === 'SIGKILL' ? ' — most often the system ran out of memory: lower the max batch or use a smaller model' : '';
    const said = this.stderr.trim().split('\n').slice(-5).join('\n');
    return new WorkerDiedError(this.what, `${how}${hint}${said ? `; it said: ${said}` : ''}`);
  }
}
