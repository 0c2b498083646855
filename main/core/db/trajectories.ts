// Queries over trajectories, turns and frames (schema 2). Kept beside the other
// SQL so every statement the core runs lives in db/.
import { createHash, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

export interface TrajectoryRow {
  id: string;
  rollout_id: string;
  run_id: string | null;
  source: 'rollout' | 'import';
  source_file: string | null;
  source_index: number | null;
  game: string;
  seed: number | null;
  task_index: number;
  sample_index: number;
  status: 'running' | 'complete' | 'error';
  success: 0 | 1;
  task_score: number | null;
  total_return: number;
  length: number;
  invalid_actions: number;
  format_valid_turns: number;
  prompt_tokens: number;
  completion_tokens: number;
  action_signature: string;
  is_duplicate: 0 | 1;
  error: string | null;
  created_at: string;
}

export interface TurnRow {
  trajectory_id: string;
  idx: number;
  prompt: string;
  text_obs: string | null;
  frame_id: number | null;
  reply: string;
  think: string | null;
  action: string | null;
  action_valid: 0 | 1;
  format_valid: 0 | 1;
  reward: number;
  done: 0 | 1;
  won: 0 | 1;
  effective: 0 | 1;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
}

export class TrajectoryStore {
  // Statements compiled once per store: an import writes thousands of rows, and compiling each costs as much as running it.
  private readonly statements = new Map<string, Statement>();
  constructor(readonly db: Db) {}
  private stmt(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** Stores a PNG once; identical frames share a row. */
  putFrame(png: Buffer, width: number, height: number): number {
    const sha = createHash('sha256').update(png).digest('hex');
    this.stmt('INSERT OR IGNORE INTO frames(sha256, png, width, height) VALUES (?, ?, ?, ?)').run(sha, png, width, height);
    return (this.stmt('SELECT id FROM frames WHERE sha256 = ?').get(sha) as { id: number }).id;
  }
  frame(id: number): { png: Buffer; width: number; height: number } | undefined {
    return this.stmt('SELECT png, width, height FROM frames WHERE id = ?').get(id) as { png: Buffer; width: number; height: number } | undefined;
  }

  /** Starts (or restarts, after a crash) the trajectory for one (task, sample) of a rollout. */
  begin(
    t: Pick<TrajectoryRow, 'rollout_id' | 'run_id' | 'source' | 'source_file' | 'source_index' | 'game' | 'seed' | 'task_index' | 'sample_index' | 'created_at'> & {
      task_score?: number | null;
    },
  ): string {
    const id = randomUUID();
    this.db.transaction(() => {
      this.stmt('DELETE FROM trajectories WHERE rollout_id = ? AND task_index = ? AND sample_index = ?').run(t.rollout_id, t.task_index, t.sample_index);
      this.stmt(
        `INSERT INTO trajectories(id, rollout_id, run_id, source, source_file, source_index, game, seed, task_index, sample_index, status, task_score, created_at)
           VALUES (@id, @rollout_id, @run_id, @source, @source_file, @source_index, @game, @seed, @task_index, @sample_index, 'running', @task_score, @created_at)`,
      ).run({ ...t, id, task_score: t.task_score ?? null });
    })();
    return id;
  }

  addTurn(t: TurnRow): void {
    this.stmt(
      `INSERT INTO turns(trajectory_id, idx, prompt, text_obs, frame_id, reply, think, action, action_valid, format_valid, reward, done, won, effective, prompt_tokens, completion_tokens, latency_ms)
         VALUES (@trajectory_id, @idx, @prompt, @text_obs, @frame_id, @reply, @think, @action, @action_valid, @format_valid, @reward, @done, @won, @effective, @prompt_tokens, @completion_tokens, @latency_ms)`,
    ).run(t);
  }

  /** Totals come from the turns themselves, so they cannot disagree with them. */
  finish(id: string, status: 'complete' | 'error', success: boolean, error: string | null = null): void {
    const s = this.stmt(
      `SELECT COUNT(*) AS length, COALESCE(SUM(reward), 0) AS total_return, COALESCE(SUM(1 - action_valid), 0) AS invalid_actions,
                COALESCE(SUM(format_valid), 0) AS format_valid_turns, COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
                COALESCE(SUM(completion_tokens), 0) AS completion_tokens, COALESCE(GROUP_CONCAT(COALESCE(action, '-'), ','), '') AS sig
         FROM (SELECT * FROM turns WHERE trajectory_id = ? ORDER BY idx)`,
    ).get(id) as { length: number; total_return: number; invalid_actions: number; format_valid_turns: number; prompt_tokens: number; completion_tokens: number; sig: string };
    this.stmt(
      `UPDATE trajectories SET status = ?, success = ?, error = ?, length = ?, total_return = ?, invalid_actions = ?, format_valid_turns = ?,
                prompt_tokens = ?, completion_tokens = ?, action_signature = ? WHERE id = ?`,
    ).run(status, success ? 1 : 0, error, s.length, s.total_return, s.invalid_actions, s.format_valid_turns, s.prompt_tokens, s.completion_tokens, s.sig, id);
    // Marked once, when it completes, so filtering never needs a window over every row.
    if (status === 'complete')
      this.stmt(
        `UPDATE trajectories SET is_duplicate = EXISTS (
             SELECT 1 FROM trajectories o WHERE o.game = trajectories.game AND o.seed IS trajectories.seed AND o.action_signature = trajectories.action_signature
               AND o.status = 'complete' AND o.id != trajectories.id AND o.is_duplicate = 0)
           WHERE id = ?`,
      ).run(id);
  }

  /** "task:sample" keys already finished in a rollout: what a resume skips. */
  doneKeys(rolloutId: string): Set<string> {
    const rows = this.stmt(`SELECT task_index, sample_index FROM trajectories WHERE rollout_id = ? AND status = 'complete'`).all(rolloutId) as {
      task_index: number;
      sample_index: number;
    }[];
    return new Set(rows.map((r) => `${r.task_index}:${r.sample_index}`));
  }

  /** The level seeds a rollout played of one game. */
  seedsOf(rolloutId: string, game: string): number[] {
    return (this.stmt('SELECT DISTINCT seed FROM trajectories WHERE rollout_id = ? AND game = ? AND seed IS NOT NULL').all(rolloutId, game) as { seed: number }[]).map(
      (r) => r.seed,
    );
  }

  get(id: string): TrajectoryRow | undefined {
    return this.stmt('SELECT * FROM trajectories WHERE id = ?').get(id) as TrajectoryRow | undefined;
  }
  byRollout(rolloutId: string): TrajectoryRow[] {
    return this.stmt('SELECT * FROM trajectories WHERE rollout_id = ? ORDER BY task_index, sample_index').all(rolloutId) as TrajectoryRow[];
  }
  turns(trajectoryId: string): TurnRow[] {
    return this.stmt('SELECT * FROM turns WHERE trajectory_id = ? ORDER BY idx').all(trajectoryId) as TurnRow[];
  }
  /** Drops what an import wrote of one file before it was cut short (a file is imported whole or not at all). */
  deleteImportedFile(rolloutId: string, sourceFile: string): number {
    return this.stmt(`DELETE FROM trajectories WHERE rollout_id = ? AND source = 'import' AND source_file = ?`).run(rolloutId, sourceFile).changes;
  }
  count(): number {
    return (this.stmt('SELECT COUNT(*) AS n FROM trajectories').get() as { n: number }).n;
  }
}
