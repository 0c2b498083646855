// Schema 3: uploads to a Hugging Face Hub (or a mirror): which artifact went to
// which repo, and the commit that holds it. The token is never stored here.
export const migration003 = {
  version: 3,
  name: 'uploads',
  sql: /* sql */ `
CREATE TABLE hub_uploads (
  id          TEXT PRIMARY KEY,
  artifact_id TEXT REFERENCES artifacts(id) ON DELETE SET NULL,
  run_id      TEXT REFERENCES runs(id) ON DELETE SET NULL,
  endpoint    TEXT NOT NULL,
  repo        TEXT NOT NULL,             -- namespace/name
  revision    TEXT NOT NULL DEFAULT 'main',
  commit_oid  TEXT,
  commit_url  TEXT NOT NULL,
  private     INTEGER NOT NULL CHECK (private IN (0,1)),
  files       INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX hub_uploads_by_artifact ON hub_uploads(artifact_id, created_at);
`,
};
