// Every query the core runs against a project database lives here, so the
// SQL sits in one place next to the migrations that define the tables. The row
// types are db/'s own (layers.test.ts keeps them here): the rest of the core
// gets contract types through toArtifact and toRunSummary.
import { join } from 'node:path';
import type { Artifact, ArtifactKind, RunStatus, RunSummary, StepId } from '../../../preload/contract';
import type { Db } from './database';

export interface RunRow {
  id: string;
  kind: string;
  step: StepId | null;
  title: string;
  status: RunStatus;
  config_json: string;
  progress: number;
  progress_message: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ArtifactRow {
  id: string;
  kind: ArtifactKind;
  name: string;
  path: string;
  in_project: 0 | 1;
  size_bytes: number;
  sha256: string | null;
  created_at: string;
  produced_by_run_id: string | null;
  meta_json: string;
}

export interface LogRow {
  id: number;
  run_id: string;
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface MetricRow {
  name: string;
  step: number;
  /** null when the value was NaN or ±inf (nonFinite says which). */
  value: number | null;
  nonFinite?: 'nan' | 'inf' | '-inf';
}

/** A new artifact as lineage registers it: its path as storedPath gives it (relative inside the project). */
export interface NewArtifact {
  id: string;
  kind: ArtifactKind;
  name: string;
  path: string;
  inProject: boolean;
  sizeBytes: number;
  sha256: string | null;
  createdAt: string;
  producedByRunId: string | null;
  meta: Record<string, unknown>;
}

/** A stored artifact as the contract describes it: meta parsed, a path inside the project made absolute. */
export function toArtifact(project: { readonly dir: string }, row: ArtifactRow): Artifact {
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse(row.meta_json) as Record<string, unknown>;
  } catch {
    meta = { unreadableMeta: row.meta_json };
  }
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    path: row.in_project ? join(project.dir, row.path) : row.path,
    inProject: row.in_project === 1,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
    producedByRunId: row.produced_by_run_id,
    meta,
  };
}

/** A run as the renderer sees it, with elapsed time and a simple ETA. */
export function toRunSummary(r: RunRow, now = Date.now()): RunSummary {
  const started = r.started_at ? Date.parse(r.started_at) : null;
  const finished = r.finished_at ? Date.parse(r.finished_at) : null;
  const elapsedMs = started === null ? null : Math.max(0, (finished ?? now) - started);
  const progress = Math.min(1, Math.max(0, r.progress));
  // Linear extrapolation; only once there is enough progress to mean something.
  const etaMs = r.status === 'running' && elapsedMs !== null && progress >= 0.01 && progress < 1 ? Math.round((elapsedMs * (1 - progress)) / progress) : null;
  return {
    id: r.id,
    kind: r.kind,
    step: r.step,
    title: r.title,
    status: r.status,
    progress,
    progressMessage: r.progress_message,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    elapsedMs,
    etaMs,
  };
}

const nonFiniteOf = (v: number): MetricRow['nonFinite'] => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : undefined);

const TERMINAL: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted', 'paused'];
export const isTerminal = (s: RunStatus): boolean => TERMINAL.includes(s);

export class Store {
  constructor(readonly db: Db) {}

  // ---- meta ---------------------------------------------------------------
  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- runs ---------------------------------------------------------------
  insertRun(r: Pick<RunRow, 'id' | 'kind' | 'step' | 'title' | 'config_json' | 'created_at'>): void {
    this.db.prepare(`INSERT INTO runs(id, kind, step, title, status, config_json, created_at) VALUES (@id, @kind, @step, @title, 'queued', @config_json, @created_at)`).run(r);
  }
  getRun(id: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  }
  listRuns(opts: { step?: StepId; limit?: number } = {}): RunRow[] {
    const limit = opts.limit ?? 200;
    if (opts.step) return this.db.prepare('SELECT * FROM runs WHERE step = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(opts.step, limit) as RunRow[];
    return this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as RunRow[];
  }
  markRunStarted(id: string, at: string): void {
    this.db.prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`).run(at, id);
  }
  updateRunProgress(id: string, progress: number, message: string | null): void {
    this.db.prepare('UPDATE runs SET progress = ?, progress_message = COALESCE(?, progress_message) WHERE id = ?').run(progress, message, id);
  }
  finishRun(id: string, status: RunStatus, error: string | null, at: string): void {
    const progress = status === 'succeeded' ? 1 : null;
    this.db.prepare('UPDATE runs SET status = ?, error = ?, finished_at = ?, progress = COALESCE(?, progress) WHERE id = ?').run(status, error, at, progress, id);
  }
  /** Runs left queued or running by a previous process can never finish: say so. */
  interruptUnfinishedRuns(at: string): string[] {
    const ids = (this.db.prepare(`SELECT id FROM runs WHERE status IN ('queued','running')`).all() as { id: string }[]).map((r) => r.id);
    this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', finished_at = ?, error = COALESCE(error, 'the studio stopped while this job was unfinished') WHERE status IN ('queued','running')`,
      )
      .run(at);
    return ids;
  }

  // ---- logs and metrics ---------------------------------------------------
  insertLog(runId: string, level: LogRow['level'], message: string, time: string): LogRow {
    const info = this.db.prepare('INSERT INTO run_logs(run_id, time, level, message) VALUES (?, ?, ?, ?)').run(runId, time, level, message);
    return { id: Number(info.lastInsertRowid), run_id: runId, time, level, message };
  }
  listLogs(runId: string, afterId = 0, limit = 2000): LogRow[] {
    // The newest `limit` lines after afterId, oldest first.
    return (this.db.prepare('SELECT * FROM run_logs WHERE run_id = ? AND id > ? ORDER BY id DESC LIMIT ?').all(runId, afterId, limit) as LogRow[]).reverse();
  }
  upsertMetric(runId: string, name: string, step: number, value: number, time: string): void {
    const nonfinite = nonFiniteOf(value) ?? null;
    this.db
      .prepare(
        'INSERT INTO run_metrics(run_id, step, name, value, nonfinite, time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, name, step) DO UPDATE SET value = excluded.value, nonfinite = excluded.nonfinite, time = excluded.time',
      )
      .run(runId, step, name, nonfinite ? null : value, nonfinite, time);
  }
  listMetrics(runId: string): MetricRow[] {
    const rows = this.db.prepare('SELECT name, step, value, nonfinite FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(runId) as {
      name: string;
      step: number;
      value: number | null;
      nonfinite: MetricRow['nonFinite'] | null;
    }[];
    return rows.map((r) => (r.nonfinite ? { name: r.name, step: r.step, value: null, nonFinite: r.nonfinite } : { name: r.name, step: r.step, value: r.value }));
  }

  // ---- artifacts and lineage ----------------------------------------------
  insertArtifact(a: NewArtifact): ArtifactRow {
    const row: ArtifactRow = {
      id: a.id,
      kind: a.kind,
      name: a.name,
      path: a.path,
      in_project: a.inProject ? 1 : 0,
      size_bytes: a.sizeBytes,
      sha256: a.sha256,
      created_at: a.createdAt,
      produced_by_run_id: a.producedByRunId,
      meta_json: JSON.stringify(a.meta),
    };
    this.db
      .prepare(
        `INSERT INTO artifacts(id, kind, name, path, in_project, size_bytes, sha256, created_at, produced_by_run_id, meta_json)
         VALUES (@id, @kind, @name, @path, @in_project, @size_bytes, @sha256, @created_at, @produced_by_run_id, @meta_json)`,
      )
      .run(row);
    return row;
  }
  setArtifactMeta(id: string, meta: Record<string, unknown>): void {
    this.db.prepare('UPDATE artifacts SET meta_json = ? WHERE id = ?').run(JSON.stringify(meta), id);
  }
  /** The first artifact registered at a stored path (as storedPath writes it). */
  artifactAtPath(path: string, inProject: boolean): ArtifactRow | undefined {
    return this.db.prepare('SELECT * FROM artifacts WHERE path = ? AND in_project = ? ORDER BY created_at LIMIT 1').get(path, inProject ? 1 : 0) as ArtifactRow | undefined;
  }
  setArtifactContent(id: string, sha256: string, sizeBytes: number, meta: Record<string, unknown>): void {
    this.db.prepare('UPDATE artifacts SET sha256 = ?, size_bytes = ?, meta_json = ? WHERE id = ?').run(sha256, sizeBytes, JSON.stringify(meta), id);
  }
  getArtifact(id: string): ArtifactRow | undefined {
    return this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as ArtifactRow | undefined;
  }
  listArtifacts(kinds?: readonly ArtifactKind[]): ArtifactRow[] {
    if (!kinds || kinds.length === 0) return this.db.prepare('SELECT * FROM artifacts ORDER BY created_at DESC, rowid DESC').all() as ArtifactRow[];
    const marks = kinds.map(() => '?').join(',');
    return this.db.prepare(`SELECT * FROM artifacts WHERE kind IN (${marks}) ORDER BY created_at DESC, rowid DESC`).all(...kinds) as ArtifactRow[];
  }
  countArtifactsByKind(): Map<string, number> {
    const rows = this.db.prepare('SELECT kind, COUNT(*) AS n FROM artifacts GROUP BY kind').all() as { kind: string; n: number }[];
    return new Map(rows.map((r) => [r.kind, r.n]));
  }
  addRunInput(runId: string, artifactId: string, role = 'input'): void {
    this.db.prepare('INSERT OR IGNORE INTO run_inputs(run_id, artifact_id, role) VALUES (?, ?, ?)').run(runId, artifactId, role);
  }
  addRunOutput(runId: string, artifactId: string, role = 'output'): void {
    this.db.prepare('INSERT OR IGNORE INTO run_outputs(run_id, artifact_id, role) VALUES (?, ?, ?)').run(runId, artifactId, role);
  }
  runInputs(runId: string): ArtifactRow[] {
    return this.db.prepare('SELECT a.* FROM artifacts a JOIN run_inputs i ON i.artifact_id = a.id WHERE i.run_id = ? ORDER BY a.created_at').all(runId) as ArtifactRow[];
  }
  runOutputs(runId: string): ArtifactRow[] {
    return this.db.prepare('SELECT a.* FROM artifacts a JOIN run_outputs o ON o.artifact_id = a.id WHERE o.run_id = ? ORDER BY a.created_at').all(runId) as ArtifactRow[];
  }
  /** The artifacts a run recorded as its checkpoints. */
  checkpointArtifacts(runId: string): ArtifactRow[] {
    return this.db.prepare('SELECT a.* FROM artifacts a JOIN checkpoints c ON c.artifact_id = a.id WHERE c.run_id = ?').all(runId) as ArtifactRow[];
  }
  hasCheckpointRow(artifactId: string): boolean {
    return this.db.prepare('SELECT 1 FROM checkpoints WHERE artifact_id = ?').get(artifactId) !== undefined;
  }
  /** The input a run took with a given role (e.g. the checkpoint it resumed from). */
  runInputWithRole(runId: string, role: string): ArtifactRow | undefined {
    return this.db.prepare('SELECT a.* FROM artifacts a JOIN run_inputs i ON i.artifact_id = a.id WHERE i.run_id = ? AND i.role = ?').get(runId, role) as ArtifactRow | undefined;
  }
  insertCheckpoint(c: { id: string; run_id: string; artifact_id: string; step: number; metrics_json: string; created_at: string }): void {
    this.db
      .prepare('INSERT INTO checkpoints(id, run_id, artifact_id, step, metrics_json, created_at) VALUES (@id, @run_id, @artifact_id, @step, @metrics_json, @created_at)')
      .run(c);
  }
  insertDataset(d: { id: string; artifact_id: string; format: string; num_samples: number; filter_id: string | null; created_at: string }): void {
    this.db
      .prepare('INSERT INTO datasets(id, artifact_id, format, num_samples, filter_id, created_at) VALUES (@id, @artifact_id, @format, @num_samples, @filter_id, @created_at)')
      .run(d);
  }
}
