// A project is a folder: studio.db plus an artifacts/ tree. Creating needs an
// empty or new folder; opening refuses anything that is not ours, unchanged.
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ProjectInfo } from '../../../preload/contract';
import { createDatabase, openDatabase, type Db } from '../db/database';
import { ArtifactEdits } from '../db/artifactEdits';
import { ReviewStore } from '../db/review';
import { Store } from '../db/store';
import { TrajectoryStore } from '../db/trajectories';
import { UploadStore } from '../db/uploads';
import { StudioError } from '../util/errors';
import { isDir, isEmptyDir } from '../util/fileSystem';
import { nowIso } from '../util/time';
import { ARTIFACT_SUBDIRS, artifactsRoot, dbPath } from './layout';
import { acquireLock, describeHolder, type LockHolder, type ProjectLock } from './lock';

export interface OpenOptions {
  /** When another process owns the project: open it read-only (true) or refuse, saying who holds it (false). */
  readOnlyIfHeld?: boolean;
  app?: string;
}

export class Project {
  // The project's stores, built once (each keeps its prepared statements): the only way the core reaches its database.
  /** Meta, runs, logs, metrics, artifacts and lineage. */
  readonly store: Store;
  /** Trajectories, turns and frames. */
  readonly trajectories: TrajectoryStore;
  /** Filter rules as SQL, decisions and saved filters. */
  readonly review: ReviewStore;
  /** Renaming and removing artifacts. */
  readonly artifactEdits: ArtifactEdits;
  /** What went to the Hub, and the commit that holds it. */
  readonly uploads: UploadStore;
  /** Who owns the project when this process only reads it; null when we own it. */
  readonly heldBy: LockHolder | null;
  /** Set when we took over a lock whose process had died. */
  readonly tookOverFrom: LockHolder | null;
  constructor(
    readonly dir: string,
    readonly db: Db,
    private readonly lock: ProjectLock | null = null,
    owner: { heldBy?: LockHolder | null; tookOverFrom?: LockHolder | null } = {},
  ) {
    this.store = new Store(db);
    this.trajectories = new TrajectoryStore(db);
    this.review = new ReviewStore(db);
    this.artifactEdits = new ArtifactEdits(db);
    this.uploads = new UploadStore(db, dir);
    this.heldBy = owner.heldBy ?? null;
    this.tookOverFrom = owner.tookOverFrom ?? null;
  }

  /** Whether this process owns the project (may write, mark runs, clean up). */
  get isOwner(): boolean {
    return this.heldBy === null;
  }

  info(): ProjectInfo {
    return {
      id: this.store.getMeta('project.id') ?? '',
      name: this.store.getMeta('project.name') ?? basename(this.dir),
      dir: this.dir,
      createdAt: this.store.getMeta('project.created_at') ?? '',
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
  }
}

function ensureArtifactTree(dir: string): void {
  for (const sub of new Set(Object.values(ARTIFACT_SUBDIRS))) mkdirSync(`${artifactsRoot(dir)}/${sub}`, { recursive: true });
}

export function createProject(dirIn: string, name: string): Project {
  const dir = resolve(dirIn);
  const existed = existsSync(dir);
  if (existed && !isDir(dir)) throw new StudioError('not_a_folder', `${dir} is a file, not a folder`);
  if (existsSync(dbPath(dir))) throw new StudioError('already_a_project', `${dir} is already a studio project; open it instead`);
  if (existed && !isEmptyDir(dir)) throw new StudioError('folder_not_empty', `${dir} is not empty; choose a new or empty folder for the project`);
  let db: Db | undefined;
  let lock: ProjectLock | null = null;
  try {
    mkdirSync(dir, { recursive: true });
    const got = acquireLock(dir);
    if (!got.ok) throw new StudioError('project_in_use', `${dir}: ${got.reason}`);
    lock = got.lock;
    db = createDatabase(dbPath(dir));
    const project = new Project(dir, db, lock);
    db.transaction(() => {
      project.store.setMeta('project.id', randomUUID());
      project.store.setMeta('project.name', name.trim());
      project.store.setMeta('project.created_at', nowIso());
    })();
    ensureArtifactTree(dir);
    return project;
  } catch (err) {
    db?.close();
    lock?.release();
    // Leave the disk as we found it.
    if (!existed) rmSync(dir, { recursive: true, force: true });
    else for (const f of [dbPath(dir), `${dbPath(dir)}-wal`, `${dbPath(dir)}-shm`, artifactsRoot(dir)]) rmSync(f, { recursive: true, force: true });
    if (err instanceof StudioError) throw err;
    throw new StudioError('create_failed', `could not create a project in ${dir}: ${(err as Error).message}`);
  }
}

export function openProject(dirIn: string, opts: OpenOptions = {}): Project {
  const dir = resolve(dirIn);
  if (!existsSync(dir)) throw new StudioError('not_found', `${dir} does not exist`);
  if (!isDir(dir)) throw new StudioError('not_a_folder', `${dir} is a file, not a project folder`);
  if (!existsSync(dbPath(dir))) throw new StudioError('not_a_project', `${dir} is not a studio project (it has no ${basename(dbPath(dir))})`);
  const got = acquireLock(dir, opts.app);
  if (!got.ok) {
    if (!opts.readOnlyIfHeld) throw new StudioError('project_in_use', `${dir}: ${got.reason}; close it there first`);
    // Someone else owns it: look, don't touch (no migrations, no run bookkeeping).
    const db = openDatabase(dbPath(dir), undefined, { readOnly: true });
    return new Project(dir, db, null, { heldBy: got.holder ?? { pid: 0, host: 'unknown', since: '' } });
  }
  try {
    const db = openDatabase(dbPath(dir));
    ensureArtifactTree(dir);
    return new Project(dir, db, got.lock, { tookOverFrom: got.tookOverFrom });
  } catch (err) {
    got.lock.release();
    throw err;
  }
}

/** The error for a write attempted on a project another process owns. */
export function readOnlyError(p: Project): StudioError {
  return new StudioError('read_only', `${p.dir} is owned by ${describeHolder(p.heldBy)}; it is open read-only here`);
}

export function looksLikeProject(dir: string): boolean {
  return existsSync(dbPath(dir));
}
