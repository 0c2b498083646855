// Metrics that are NaN or ±inf (a diverged loss) are stored and read back as such (schema 4),
// and a schema-3 database keeps its metrics through the migration.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { STUDIO_APPLICATION_ID, createDatabase, openDatabase } from '../../../main/core/db/database';
import { migrations } from '../../../main/core/db/migrations';
import { Store } from '../../../main/core/db/store';
import { tempDir } from '../../helpers/tmp';

const run = (store: Store, id: string) => store.insertRun({ id, kind: 'train.run', step: 'train', title: 't', config_json: '{}', created_at: '2025-01-01T00:00:00Z' });

describe('non-finite metrics', () => {
  it('NaN, inf and -inf are stored and listed with what they were; a finite value replaces one', () => {
    const db = createDatabase(join(tempDir(), 'studio.db'));
    const store = new Store(db);
    run(store, 'r');
    store.upsertMetric('r', 'loss', 1, 0.5, 't');
    store.upsertMetric('r', 'loss', 2, Number.NaN, 't');
    store.upsertMetric('r', 'grad_norm', 2, Infinity, 't');
    store.upsertMetric('r', 'grad_norm', 3, -Infinity, 't');
    expect(store.listMetrics('r')).toEqual([
      { name: 'grad_norm', step: 2, value: null, nonFinite: 'inf' },
      { name: 'grad_norm', step: 3, value: null, nonFinite: '-inf' },
      { name: 'loss', step: 1, value: 0.5 },
      { name: 'loss', step: 2, value: null, nonFinite: 'nan' },
    ]);
    store.upsertMetric('r', 'loss', 2, 0.25, 't');
    expect(store.listMetrics('r').find((m) => m.name === 'loss' && m.step === 2)).toEqual({ name: 'loss', step: 2, value: 0.25 });
    db.close();
  });

  it('a schema-3 database keeps its metrics and logs through migrations 4 and 5, then takes NaN and paused', () => {
    const old = migrations.filter((m) => m.version <= 3);
    const file3 = join(tempDir(), 'old.db');
    const raw = new Database(file3);
    raw.pragma(`application_id = ${STUDIO_APPLICATION_ID}`);
    raw.close();
    const v3 = openDatabase(file3, old);
    expect(v3.pragma('user_version', { simple: true })).toBe(3);
    const s3 = new Store(v3);
    run(s3, 'r');
    v3.prepare('INSERT INTO run_metrics(run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)').run('r', 1, 'loss', 1.5, 't');
    s3.insertLog('r', 'info', 'kept', 't');
    expect(() => s3.finishRun('r', 'paused', null, 't')).toThrow(/CHECK constraint/);
    expect(() => v3.prepare('INSERT INTO run_metrics(run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)').run('r', 2, 'loss', Number.NaN, 't')).toThrow(/NOT NULL/);
    v3.close();
    const v4 = openDatabase(file3);
    const s4 = new Store(v4);
    expect(s4.listMetrics('r')).toEqual([{ name: 'loss', step: 1, value: 1.5 }]);
    s4.upsertMetric('r', 'loss', 2, Number.NaN, 't');
    expect(s4.listMetrics('r')).toHaveLength(2);
    // Schema 5 rebuilt runs with foreign keys off: its logs survived, and 'paused' is a status now.
    expect(s4.listLogs('r').map((l) => l.message)).toEqual(['kept']);
    s4.finishRun('r', 'paused', null, 't');
    expect(s4.getRun('r')!.status).toBe('paused');
    expect(v4.pragma('foreign_keys', { simple: true })).toBe(1);
    v4.close();
  });
});
