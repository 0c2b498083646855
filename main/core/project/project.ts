// A project is a folder: studio.db plus an artifacts/ tree. Creating needs an
// empty or new folder; opening refuses anything that is not ours, unchanged.
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ProjectInfo } from '../../../preload/contract';
import { createDatabase, openDatabase, type Db } from '../db/database';
import { Store } from '../db/store';
import { StudioError } from '../util/errors';
import { isDir, isEmptyDir } from '../util/fsx';
import { nowIso } from '../util/time';
import { ARTIFACT_SUBDIRS, artifactsRoot, dbPath } from './layout';

export class Project {
  readonly store: Store;
  constructor(readonly dir: string, readonly db: Db) {
    this.store = new Store(db);
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
  try {
    mkdirSync(dir, { recursive: true });
    db = createDatabase(dbPath(dir));
    const project = new Project(dir, db);
    db.transaction(() => {
      project.store.setMeta('project.id', randomUUID());
      project.store.setMeta('project.name', name.trim());
      project.store.setMeta('project.created_at', nowIso());
    })();
    ensureArtifactTree(dir);
    return project;
  } catch (err) {
    db?.close();
    // Leave the disk as we found it.
    if (!existed) rmSync(dir, { recursive: true, force: true });
    else for (const f of [dbPath(dir), `${dbPath(dir)}-wal`, `${dbPath(dir)}-shm`, artifactsRoot(dir)]) rmSync(f, { recursive: true, force: true });
    if (err instanceof StudioError) throw err;
    throw new StudioError('create_failed', `could not create a project in ${dir}: ${(err as Error).message}`);
  }
}

export function openProject(dirIn: string): Project {
  const dir = resolve(dirIn);
  if (!existsSync(dir)) throw new StudioError('not_found', `${dir} does not exist`);
  if (!isDir(dir)) throw new StudioError('not_a_folder', `${dir} is a file, not a project folder`);
  if (!existsSync(dbPath(dir))) throw new StudioError('not_a_project', `${dir} is not a studio project (it has no ${basename(dbPath(dir))})`);
  const db = openDatabase(dbPath(dir));
  ensureArtifactTree(dir);
  return new Project(dir, db);
}

export function looksLikeProject(dir: string): boolean {
  return existsSync(dbPath(dir));
}
