// Schema 1: project meta, runs with their metrics/logs, artifacts and the
// lineage between them, filters, review decisions, datasets and checkpoints.
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: /* sql */ `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,
  step             TEXT,
  title            TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
  config_json      TEXT NOT NULL,
  progress         REAL NOT NULL DEFAULT 0,
  progress_message TEXT,
  error            TEXT,
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  finished_at      TEXT
);
CREATE INDEX runs_by_step ON runs(step, created_at);
CREATE INDEX runs_by_status ON runs(status);

CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step   INTEGER NOT NULL,
  name   TEXT NOT NULL,
  value  REAL NOT NULL,
  time   TEXT NOT NULL,
  PRIMARY KEY (run_id, name, step)
);

CREATE TABLE run_logs (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time    TEXT NOT NULL,
  level   TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
  message TEXT NOT NULL
);
CREATE INDEX run_logs_by_run ON run_logs(run_id, id);

CREATE TABLE artifacts (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL,
  name               TEXT NOT NULL,
  path               TEXT NOT NULL,   -- relative to the project folder when in_project = 1
  in_project         INTEGER NOT NULL CHECK (in_project IN (0,1)),
  size_bytes         INTEGER NOT NULL,
  sha256             TEXT,
  created_at         TEXT NOT NULL,
  produced_by_run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
  meta_json          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX artifacts_by_kind ON artifacts(kind, created_at);

CREATE TABLE run_inputs (
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  role        TEXT NOT NULL DEFAULT 'input',
  PRIMARY KEY (run_id, artifact_id)
);
CREATE TABLE run_outputs (
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
  role        TEXT NOT NULL DEFAULT 'output',
  PRIMARY KEY (run_id, artifact_id)
);

CREATE TABLE filters (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  rules_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE decisions (
  trajectory_key TEXT PRIMARY KEY,  -- stable key of one trajectory, e.g. run/task/sample or file/sample_idx
  decision       TEXT NOT NULL CHECK (decision IN ('accept','reject')),
  note           TEXT,
  updated_at     TEXT NOT NULL
);

CREATE TABLE datasets (
  id          TEXT PRIMARY KEY,
  artifact_id TEXT NOT NULL UNIQUE REFERENCES artifacts(id) ON DELETE CASCADE,
  format      TEXT NOT NULL,
  num_samples INTEGER NOT NULL,
  filter_id   TEXT REFERENCES filters(id) ON DELETE SET NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE checkpoints (
  id           TEXT PRIMARY KEY,
  run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  artifact_id  TEXT NOT NULL UNIQUE REFERENCES artifacts(id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  created_at   TEXT NOT NULL
);
`,
};
