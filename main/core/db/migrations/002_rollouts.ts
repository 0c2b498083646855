// Schema 2: trajectories from rollouts and imports, their turns, and frames
// stored once per distinct PNG (a level's start frame repeats across samples).
export const migration002 = {
  version: 2,
  name: 'rollouts',
  sql: /* sql */ `
CREATE TABLE frames (
  id     INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  png    BLOB NOT NULL,
  width  INTEGER NOT NULL,
  height INTEGER NOT NULL
);

CREATE TABLE trajectories (
  id                 TEXT PRIMARY KEY,
  rollout_id         TEXT NOT NULL,        -- the run that began this rollout (resumes keep it)
  run_id             TEXT REFERENCES runs(id) ON DELETE SET NULL,
  source             TEXT NOT NULL CHECK (source IN ('rollout','import')),
  source_file        TEXT,                 -- import: the file's name
  source_index       INTEGER,              -- import: sample_idx (unique only within its file)
  game               TEXT NOT NULL,
  seed               INTEGER,
  task_index         INTEGER NOT NULL,
  sample_index       INTEGER NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('running','complete','error')),
  success            INTEGER NOT NULL DEFAULT 0,
  task_score         REAL,
  total_return       REAL NOT NULL DEFAULT 0,
  length             INTEGER NOT NULL DEFAULT 0,
  invalid_actions    INTEGER NOT NULL DEFAULT 0,
  format_valid_turns INTEGER NOT NULL DEFAULT 0,
  prompt_tokens      INTEGER NOT NULL DEFAULT 0,
  completion_tokens  INTEGER NOT NULL DEFAULT 0,
  action_signature   TEXT NOT NULL DEFAULT '',
  is_duplicate       INTEGER NOT NULL DEFAULT 0, -- an earlier complete one played the same actions on the same level
  error              TEXT,
  created_at         TEXT NOT NULL,
  UNIQUE (rollout_id, task_index, sample_index)
);
CREATE INDEX trajectories_by_rollout ON trajectories(rollout_id, status);
-- The review list's order, so a page is read in order instead of sorting every row.
CREATE INDEX trajectories_order ON trajectories(status, created_at, rollout_id, task_index, sample_index);
CREATE INDEX trajectories_by_game ON trajectories(game, success);
CREATE INDEX trajectories_dupes ON trajectories(game, seed, action_signature);

CREATE TABLE turns (
  trajectory_id     TEXT NOT NULL REFERENCES trajectories(id) ON DELETE CASCADE,
  idx               INTEGER NOT NULL,
  prompt            TEXT NOT NULL,
  text_obs          TEXT,
  frame_id          INTEGER REFERENCES frames(id),
  reply             TEXT NOT NULL,
  think             TEXT,
  action            TEXT,
  action_valid      INTEGER NOT NULL,
  format_valid      INTEGER NOT NULL,
  reward            REAL NOT NULL,
  done              INTEGER NOT NULL,
  won               INTEGER NOT NULL,
  effective         INTEGER NOT NULL,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  latency_ms        INTEGER,
  PRIMARY KEY (trajectory_id, idx)
);

-- A note may stand without an accept/reject decision.
CREATE TABLE decisions_v2 (
  trajectory_key TEXT PRIMARY KEY,
  decision       TEXT CHECK (decision IN ('accept','reject')),
  note           TEXT,
  updated_at     TEXT NOT NULL
);
INSERT INTO decisions_v2 SELECT trajectory_key, decision, note, updated_at FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v2 RENAME TO decisions;
`,
};
