// The project's record of Hub uploads (table hub_uploads, migration 3): which
// artifact went to which repo and the commit that holds it.
import { randomUUID } from 'node:crypto';
import type { HubUpload } from '../../../preload/contract/upload';
import type { Db } from './database';
import { StudioError } from '../util/errors';
import { nowIso } from '../util/time';

export type UploadRecord = HubUpload;

export type NewUpload = Omit<UploadRecord, 'id' | 'createdAt' | 'revision' | 'commitOid' | 'runId'> & Partial<Pick<UploadRecord, 'revision' | 'commitOid' | 'runId'>>;

interface UploadRow {
  id: string;
  artifact_id: string | null;
  run_id: string | null;
  endpoint: string;
  repo: string;
  revision: string;
  commit_oid: string | null;
  commit_url: string;
  private: 0 | 1;
  files: number;
  bytes: number;
  created_at: string;
}

const toRecord = (r: UploadRow): UploadRecord => ({
  id: r.id,
  artifactId: r.artifact_id,
  runId: r.run_id,
  endpoint: r.endpoint,
  repo: r.repo,
  revision: r.revision,
  commitOid: r.commit_oid,
  commitUrl: r.commit_url,
  private: r.private === 1,
  files: r.files,
  bytes: r.bytes,
  createdAt: r.created_at,
});

export class UploadStore {
  /** where: the project folder, for the message when its database predates the table. */
  constructor(
    readonly db: Db,
    private readonly where: string,
  ) {}

  private requireTable(): void {
    const t = this.db.prepare("SELECT 1 AS ok FROM sqlite_master WHERE type = 'table' AND name = 'hub_uploads'").get();
    if (!t) throw new StudioError('schema', `${this.where}: the project database has no hub_uploads table (schema migration 3 is not applied)`);
  }

  record(u: NewUpload): UploadRecord {
    this.requireTable();
    const row: UploadRow = {
      id: randomUUID(),
      artifact_id: u.artifactId,
      run_id: u.runId ?? null,
      endpoint: u.endpoint,
      repo: u.repo,
      revision: u.revision ?? 'main',
      commit_oid: u.commitOid ?? null,
      commit_url: u.commitUrl,
      private: u.private ? 1 : 0,
      files: u.files,
      bytes: u.bytes,
      created_at: nowIso(),
    };
    this.db
      .prepare(
        `INSERT INTO hub_uploads(id, artifact_id, run_id, endpoint, repo, revision, commit_oid, commit_url, private, files, bytes, created_at)
         VALUES (@id, @artifact_id, @run_id, @endpoint, @repo, @revision, @commit_oid, @commit_url, @private, @files, @bytes, @created_at)`,
      )
      .run(row);
    return toRecord(row);
  }

  /** Newest first; one artifact's uploads when artifactId is given. */
  list(artifactId?: string): UploadRecord[] {
    this.requireTable();
    const rows = artifactId
      ? this.db.prepare('SELECT * FROM hub_uploads WHERE artifact_id = ? ORDER BY created_at DESC, rowid DESC').all(artifactId)
      : this.db.prepare('SELECT * FROM hub_uploads ORDER BY created_at DESC, rowid DESC').all();
    return (rows as UploadRow[]).map(toRecord);
  }
}
