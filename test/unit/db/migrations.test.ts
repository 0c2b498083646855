import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { STUDIO_APPLICATION_ID, applyMigrations, createDatabase, openDatabase } from '../../../main/core/db/database';
import { LATEST_SCHEMA_VERSION, migrations } from '../../../main/core/db/migrations';
import { tempDir } from '../../helpers/tmp';

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('migrations', () => {
  it('creates every table at the latest schema version, in WAL mode', () => {
    const file = join(tempDir(), 'studio.db');
    const db = createDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(STUDIO_APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['meta', 'runs', 'run_metrics', 'run_logs', 'artifacts', 'run_inputs', 'run_outputs', 'filters', 'decisions', 'datasets', 'checkpoints']) {
      expect(tables).toContain(t);
    }
    db.close();
  });

  it('migrates an older database forward, one transaction per migration', () => {
    const file = join(tempDir(), 'studio.db');
    const db = new Database(file);
    db.pragma(`application_id = ${STUDIO_APPLICATION_ID}`);
    db.close();
    const extra = [...migrations, { version: LATEST_SCHEMA_VERSION + 1, name: 'add-notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);' }];
    const db2 = openDatabase(file, extra);
    expect(db2.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(db2.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'notes'").get()).toEqual({ n: 1 });
    db2.close();
  });

  it('rolls a failing migration back completely', () => {
    const file = join(tempDir(), 'studio.db');
    createDatabase(file).close();
    const bad = [...migrations, { version: LATEST_SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); THIS IS NOT SQL;' }];
    expect(() => openDatabase(file, bad)).toThrow(/syntax error/);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer version and leaves it byte for byte unchanged', () => {
    const file = join(tempDir(), 'studio.db');
    const db = createDatabase(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = sha(file);
    expect(() => openDatabase(file)).toThrow(/newer version of the studio \(schema \d+; this version supports up to \d+\)/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a SQLite file that is not ours, and a file that is not SQLite', () => {
    const dir = tempDir();
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(() => openDatabase(foreign)).toThrow(/not a studio project database/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'hello, I am text');
    expect(() => openDatabase(junk)).toThrow(/not a readable SQLite database/);
    expect(readFileSync(junk, 'utf8')).toBe('hello, I am text');
  });

  it('applyMigrations is idempotent', () => {
    const db = createDatabase(join(tempDir(), 'studio.db'));
    expect(applyMigrations(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(applyMigrations(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});
