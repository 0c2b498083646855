// Renaming and removing artifacts, and what depends on one: the SQL behind Outputs' rename/delete.
import type { Db } from './database';
import type { ArtifactRow } from './store';

export class ArtifactEdits {
  constructor(readonly db: Db) {}

  namesLike(kind: string, name: string): string[] {
    return (
      this.db.prepare("SELECT name FROM artifacts WHERE kind = ? AND (name = ? OR name LIKE ? ESCAPE '\\')").all(kind, name, `${name.replace(/[\\%_]/g, (c) => `\\${c}`)} %`) as {
        name: string;
      }[]
    ).map((r) => r.name);
  }

  nameTaken(kind: string, name: string, exceptId: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM artifacts WHERE kind = ? AND name = ? AND id != ?').get(kind, name, exceptId));
  }

  rename(id: string, name: string): void {
    this.db.prepare('UPDATE artifacts SET name = ? WHERE id = ?').run(name, id);
  }

  /** Artifacts made by runs that read this one (its direct dependants). */
  dependants(id: string): ArtifactRow[] {
    return this.db
      .prepare('SELECT DISTINCT a.* FROM artifacts a JOIN run_inputs i ON i.run_id = a.produced_by_run_id WHERE i.artifact_id = ? AND a.id != ? ORDER BY a.created_at')
      .all(id, id) as ArtifactRow[];
  }

  /** Runs still queued or running that read this artifact. */
  activeReaders(id: string): { id: string; title: string }[] {
    return this.db
      .prepare("SELECT r.id, r.title FROM runs r JOIN run_inputs i ON i.run_id = r.id WHERE i.artifact_id = ? AND r.status IN ('queued', 'running', 'paused')")
      .all(id) as { id: string; title: string }[];
  }

  /** The row goes; run_inputs/run_outputs/datasets/checkpoints follow by ON DELETE CASCADE, uploads keep their history (SET NULL). */
  remove(id: string): void {
    this.db.prepare('DELETE FROM artifacts WHERE id = ?').run(id);
  }
}
