// The studio core: one object that owns app state, the open project, its job
// runner and the event bus. The Electron shell, the server and the CLI all
// drive it through handle(), so every caller gets the same validation.
import { homedir } from 'node:os';
import type { ProjectInfo, ThemeMode, StepId } from '../../preload/contract';
import { createDispatcher, type Dispatcher } from './api/dispatch';
import { createHandlers } from './api/handlers';
import type { StudioServices } from './api/services';
import { StudioEvents } from './events';
import { sweepLeftovers } from './project/leftovers';
import { builtinJobs } from './jobs/builtin';
import { JobRunner } from './jobs/jobRunner';
import { stepJobs } from './steps';
import { defaultTokenStore, type SafeStorageLike, type TokenStore } from './steps/upload/tokenStore';
import { dirname, resolve } from 'node:path';
import { AppStateStore } from './project/appState';
import { createProject, openProject, readOnlyError, type OpenOptions, type Project } from './project/project';
import { StudioError } from './util/errors';
import { nowIso } from './util/time';
import { appVersion } from './util/paths';

export interface StudioOptions {
  shell: 'electron' | 'server';
  configDir?: string;
  concurrency?: number;
  /** The Electron shell supplies the OS folder dialog; server mode has none. */
  pickFolder?: (title: string) => Promise<string | null>;
  /** Electron's safeStorage (OS keychain) for the Hub token; without it an encrypted file or HF_TOKEN. */
  safeStorage?: SafeStorageLike;
  tokenStore?: TokenStore;
}

export class Studio implements StudioServices {
  readonly events = new StudioEvents();
  readonly appState: AppStateStore;
  readonly tokenStore: TokenStore;
  private current: { project: Project; runner: JobRunner } | null = null;
  /** The contract-checked API every transport calls (Electron IPC, the server, the CLI). */
  readonly api: Dispatcher;

  constructor(readonly options: StudioOptions) {
    this.appState = new AppStateStore(options.configDir);
    this.tokenStore = options.tokenStore ?? defaultTokenStore({ configDir: dirname(this.appState.file), safeStorage: options.safeStorage });
    this.api = createDispatcher(createHandlers(this), (err) => {
      // A write on a project another process owns: say who owns it, not SQLite's words.
      const p = this.current?.project;
      return p && !p.isOwner && (err as { code?: string })?.code?.startsWith('SQLITE_READONLY') ? readOnlyError(p) : err;
    });
  }

  get version(): string {
    return appVersion();
  }
  get homeDir(): string {
    return homedir();
  }
  get project(): Project | null {
    return this.current?.project ?? null;
  }

  requireProject(): { project: Project; runner: JobRunner } {
    if (!this.current) throw new StudioError('no_project', 'no project is open; create or open one first');
    return this.current;
  }

  createProject(dir: string, name: string): ProjectInfo {
    return this.adopt(createProject(dir, name));
  }

  /** Opens a project this process will own; readOnlyIfHeld opens one another process owns for reading. */
  openProject(dir: string, opts: OpenOptions = {}): ProjectInfo {
    if (this.current && this.current.project.dir === resolve(dir)) return this.current.project.info();
    return this.adopt(openProject(dir, { app: `studio ${this.options.shell}`, ...opts }));
  }

  /** Makes a freshly opened project current; the old one is closed only now, after the new one opened. */
  private adopt(project: Project): ProjectInfo {
    if (this.current && this.current.project.dir === project.dir) {
      project.close();
      return this.current.project.info();
    }
    // Only the owner may decide that unfinished runs are dead: another process's are alive.
    const interrupted = project.isOwner ? project.store.interruptUnfinishedRuns(nowIso()) : [];
    const runner = new JobRunner(project, this.events, this.options.concurrency ?? 2);
    // The jobs every project has, then what each step declares, with the services those take.
    const services = { tokenStore: this.tokenStore, onnxProvider: () => this.appState.snapshot().onnxProvider };
    for (const job of [...builtinJobs, ...stepJobs(services)]) runner.register(job);
    // The owner, with none of its jobs running yet, clears what a killed session left
    // and registers its finished outputs; the recovery run's log says what was done.
    if (project.isOwner) {
      try {
        const left = sweepLeftovers(project);
        if (left.removed.length || left.orphans.length) runner.start('project.recover', left);
      } catch (err) {
        process.stderr.write(`studio: cleaning up ${project.dir} after an interrupted session failed: ${(err as Error).message}\n`);
      }
    }
    const previous = this.current;
    this.current = { project, runner };
    if (previous) void this.closeEntry(previous);
    const info = project.info();
    this.appState.rememberProject(info.dir, info.name);
    this.events.emit('project.changed', info);
    if (interrupted.length) for (const id of interrupted) this.events.emit('run.updated', runner.summary(id));
    return info;
  }

  async closeProject(): Promise<boolean> {
    const entry = this.current;
    if (!entry) return false;
    this.current = null;
    await this.closeEntry(entry);
    this.events.emit('project.changed', null);
    return true;
  }

  // The project being closed, while its jobs wind down (for abandonProject).
  private closing: { project: Project; runner: JobRunner } | null = null;

  private async closeEntry(entry: { project: Project; runner: JobRunner }): Promise<void> {
    this.closing = entry;
    try {
      await entry.runner.shutdown();
      entry.project.close();
    } finally {
      if (this.closing === entry) this.closing = null;
    }
  }

  setTheme(theme: ThemeMode): void {
    this.appState.setTheme(theme);
  }
  setLastStep(step: StepId): void {
    this.appState.setLastStep(step);
  }

  async dispose(): Promise<void> {
    await this.closeProject();
  }

  /**
   * Last resort at exit when jobs do not stop in time: records every unfinished run
   * as interrupted, closes the database and releases the project lock. Returns how many.
   */
  abandonProject(): number {
    const entry = this.current ?? this.closing;
    if (!entry || !entry.project.db.open) return 0;
    const n = entry.project.isOwner ? entry.project.store.interruptUnfinishedRuns(nowIso()).length : 0;
    entry.project.close();
    return n;
  }
}
