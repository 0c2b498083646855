// Runs jobs for one open project: a FIFO queue with a concurrency limit,
// cancellation through AbortSignal, throttled progress, and every state change
// persisted so a restart can tell what happened.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Artifact, ArtifactKind, RunSummary, StepId } from '../../../preload/contract';
import { describeZodError } from '../../../preload/contract';
import { isTerminal, toRunSummary } from '../db/store';
import type { StudioEvents } from '../events';
import { registerArtifact, toArtifact } from '../lineage/artifacts';
import type { Project } from '../project/project';
import { CancelledError, StudioError, errorMessage } from '../util/errors';
import { nowIso } from '../util/time';
import { removeUnregisteredOutputs } from './failedOutputs';
import type { JobContext, JobDefinition } from './types';

const EMIT_EVERY_MS = 100;
const PERSIST_EVERY_MS = 500;

interface Active {
  controller: AbortController;
  // Why the signal was aborted: the user cancelled or paused, or the studio is shutting down.
  reason: 'cancel' | 'pause' | 'shutdown' | null;
  done: Promise<void>;
}

export class JobRunner {
  private readonly definitions = new Map<string, JobDefinition<any>>();
  private readonly queue: string[] = [];
  private readonly active = new Map<string, Active>();
  private readonly pendingConfigs = new Map<string, unknown>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly project: Project,
    private readonly events: StudioEvents,
    readonly concurrency = 2,
  ) {}

  register<C>(def: JobDefinition<C>): void {
    this.definitions.set(def.kind, def as JobDefinition<any>);
  }

  kinds(): string[] {
    return [...this.definitions.keys()];
  }

  start(kind: string, rawConfig: unknown, step?: StepId): RunSummary {
    if (this.closed) throw new StudioError('closed', 'the project is closing; no new jobs can start');
    const def = this.definitions.get(kind);
    if (!def) throw new StudioError('unknown_job', `unknown job kind '${kind}'`);
    const parsed = def.schema.safeParse(rawConfig);
    if (!parsed.success) throw new StudioError('invalid_config', `invalid config for ${kind}: ${describeZodError(parsed.error)}`);
    const config = def.prepare ? def.prepare(parsed.data) : parsed.data;
    const id = randomUUID();
    this.project.store.insertRun({
      id,
      kind,
      step: def.step ?? step ?? null,
      title: def.title(config),
      config_json: JSON.stringify(def.redact ? def.redact(config) : config),
      created_at: nowIso(),
    });
    this.pendingConfigs.set(id, config);
    this.queue.push(id);
    this.emitRun(id);
    this.pump();
    return this.summary(id);
  }

  cancel(runId: string): RunSummary {
    const row = this.project.store.getRun(runId);
    if (!row) throw new StudioError('not_found', `no job with id ${runId}`);
    if (isTerminal(row.status)) return toRunSummary(row);
    const qi = this.queue.indexOf(runId);
    if (qi >= 0) {
      this.queue.splice(qi, 1);
      this.pendingConfigs.delete(runId);
      this.project.store.finishRun(runId, 'cancelled', null, nowIso());
      this.emitRun(runId);
      this.notifyIdle();
    } else {
      const a = this.active.get(runId);
      if (a && !a.controller.signal.aborted) {
        a.reason = 'cancel';
        a.controller.abort(new CancelledError());
      }
    }
    return this.summary(runId);
  }

  /** Stops a pausable job so that it can be resumed: it saves what it has and ends 'paused'. */
  pause(runId: string): RunSummary {
    const row = this.project.store.getRun(runId);
    if (!row) throw new StudioError('not_found', `no job with id ${runId}`);
    if (!this.definitions.get(row.kind)?.pausable) throw new StudioError('not_pausable', `a ${row.kind} job cannot be paused; cancel it instead`);
    if (isTerminal(row.status)) return toRunSummary(row);
    const a = this.active.get(runId);
    if (!a) return this.cancel(runId); // still queued: nothing to keep
    if (!a.controller.signal.aborted) {
      a.reason = 'pause';
      a.controller.abort(new CancelledError('paused'));
    }
    return this.summary(runId);
  }

  summary(runId: string): RunSummary {
    const row = this.project.store.getRun(runId);
    if (!row) throw new StudioError('not_found', `no job with id ${runId}`);
    return toRunSummary(row);
  }

  isBusy(): boolean {
    return this.queue.length > 0 || this.active.size > 0;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.isBusy()) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  /** Stops everything: queued jobs and running ones end as interrupted. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const id of this.queue.splice(0)) {
      this.project.store.finishRun(id, 'interrupted', 'the studio closed before this job started', nowIso());
      this.emitRun(id);
    }
    const running = [...this.active.values()];
    for (const a of running) {
      a.reason = 'shutdown';
      a.controller.abort(new CancelledError('the studio is closing'));
    }
    await Promise.all(running.map((a) => a.done));
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const controller = new AbortController();
      const entry: Active = { controller, reason: null, done: Promise.resolve() };
      this.active.set(id, entry);
      entry.done = this.execute(id, entry);
    }
  }

  private async execute(id: string, entry: Active): Promise<void> {
    const row = this.project.store.getRun(id)!;
    const def = this.definitions.get(row.kind)!;
    const config = this.pendingConfigs.get(id);
    this.pendingConfigs.delete(id);
    this.project.store.markRunStarted(id, nowIso());
    this.emitRun(id);
    const ctx = this.context(id, config, entry.controller.signal);
    let status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'paused';
    let error: string | null = null;
    try {
      await def.run(ctx);
      ctx.flush();
      status = entry.controller.signal.aborted ? this.abortStatus(entry) : 'succeeded';
    } catch (err) {
      ctx.flush();
      if (entry.controller.signal.aborted) status = this.abortStatus(entry);
      else {
        status = 'failed';
        error = errorMessage(err);
        ctx.log('error', error);
      }
    }
    if (status === 'interrupted') error = 'the studio closed while this job was running';
    // Interrupted and paused runs keep their folders: a resume (or the next open's sweep) picks them up.
    if (status === 'failed' || status === 'cancelled') {
      try {
        removeUnregisteredOutputs(this.project, ctx.owned, (m) => ctx.log('info', m));
      } catch (err) {
        ctx.log('warn', `could not remove what the run left: ${errorMessage(err)}`);
      }
    }
    this.project.store.finishRun(id, status, error, nowIso());
    this.active.delete(id);
    this.emitRun(id);
    this.pump();
    this.notifyIdle();
  }

  private abortStatus(entry: Active): 'cancelled' | 'interrupted' | 'paused' {
    return entry.reason === 'shutdown' ? 'interrupted' : entry.reason === 'pause' ? 'paused' : 'cancelled';
  }

  private context(runId: string, config: unknown, signal: AbortSignal): JobContext<any> & { flush(): void; owned: string[] } {
    const { store } = this.project;
    const owned: string[] = [];
    let lastEmit = 0;
    let lastPersist = 0;
    let pending: { fraction: number; message: string | null } | null = null;
    const persist = (): void => {
      if (!pending) return;
      store.updateRunProgress(runId, pending.fraction, pending.message);
      pending = null;
    };
    const ctx = {
      runId,
      config,
      signal,
      project: this.project,
      progress: (fraction: number, message?: string) => {
        const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
        pending = { fraction: f, message: message ?? pending?.message ?? null };
        const now = Date.now();
        if (now - lastPersist >= PERSIST_EVERY_MS) {
          lastPersist = now;
          persist();
          this.emitRun(runId);
          lastEmit = now;
        } else if (now - lastEmit >= EMIT_EVERY_MS) {
          lastEmit = now;
          // Emit without a DB write: the summary reflects the unpersisted value.
          const row = store.getRun(runId);
          if (row) this.events.emit('run.updated', toRunSummary({ ...row, progress: f, progress_message: pending.message }));
        }
      },
      log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => {
        const r = store.insertLog(runId, level, message, nowIso());
        this.events.emit('run.log', { id: r.id, runId, time: r.time, level, message });
      },
      metric: (name: string, step: number, value: number) => store.upsertMetric(runId, name, step, value, nowIso()),
      input: <K extends ArtifactKind>(artifactId: string, role: string, kinds: readonly K[], expected?: string) => {
        const row = store.getArtifact(artifactId);
        if (!row) throw new StudioError('not_found', `input artifact ${artifactId} is not in this project`);
        store.addRunInput(runId, artifactId, role);
        const a = toArtifact(this.project, row);
        if (!(kinds as readonly ArtifactKind[]).includes(a.kind)) {
          const named = kinds.join(' or ');
          throw new StudioError('bad_input', `${role}: artifact '${a.name}' is a ${a.kind}, not ${expected ? `${expected} (${named})` : `a ${named}`}`);
        }
        return a as Artifact & { kind: K };
      },
      addOutput: (spec: Parameters<JobContext<unknown>['addOutput']>[0]) => registerArtifact(this.project, spec, runId, signal),
      throwIfCancelled: () => {
        if (signal.aborted) throw new CancelledError();
      },
      ownOutput: (path: string) => {
        const abs = resolve(path);
        // Only what this run creates is its to remove: a folder that was there already is not.
        if (!existsSync(abs) && !owned.includes(abs)) owned.push(abs);
        return path;
      },
      owned,
      flush: persist,
    };
    return ctx;
  }

  private emitRun(runId: string): void {
    const row = this.project.store.getRun(runId);
    if (row) this.events.emit('run.updated', toRunSummary(row));
  }

  private notifyIdle(): void {
    if (this.isBusy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
