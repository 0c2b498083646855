// Filter rules as SQL over trajectories, per-trajectory decisions, and saved
// filters. Rules are turned into a parameterised WHERE clause, never string-pasted values.
import { randomUUID } from 'node:crypto';
import type { FilterRules, TrajectorySummary } from '../../../preload/contract';
import type { Db } from './database';
import type { TrajectoryRow } from './trajectories';

type ReviewRow = TrajectoryRow & { passes: 0 | 1; decision: 'accept' | 'reject' | null; note: string | null };

/** A trajectory as the review shows it (the rules it fails are the filter step's to word), and whether it repeats an earlier one. */
export type JudgedTrajectory = Omit<TrajectorySummary, 'failedRules'> & { isDuplicate: boolean };

const toJudged = (r: ReviewRow): JudgedTrajectory => ({
  id: r.id,
  rolloutId: r.rollout_id,
  source: r.source,
  sourceFile: r.source_file,
  sourceIndex: r.source_index,
  game: r.game,
  seed: r.seed,
  taskIndex: r.task_index,
  sampleIndex: r.sample_index,
  success: r.success === 1,
  taskScore: r.task_score,
  return: r.total_return,
  length: r.length,
  invalidActions: r.invalid_actions,
  formatValidTurns: r.format_valid_turns,
  passes: r.passes === 1,
  decision: r.decision,
  note: r.note,
  isDuplicate: r.is_duplicate === 1,
});

/** The rule predicate and its parameters. */
function rulesSql(r: FilterRules): { where: string; params: unknown[] } {
  const c: string[] = [];
  const p: unknown[] = [];
  if (r.success !== undefined) (c.push('t.success = ?'), p.push(r.success ? 1 : 0));
  if (r.minTaskScore !== undefined) (c.push('COALESCE(t.task_score, t.success) >= ?'), p.push(r.minTaskScore));
  if (r.minReturn !== undefined) (c.push('t.total_return >= ?'), p.push(r.minReturn));
  if (r.maxReturn !== undefined) (c.push('t.total_return <= ?'), p.push(r.maxReturn));
  if (r.minLength !== undefined) (c.push('t.length >= ?'), p.push(r.minLength));
  if (r.maxLength !== undefined) (c.push('t.length <= ?'), p.push(r.maxLength));
  if (r.minFormatValidRatio !== undefined) (c.push('(CASE WHEN t.length = 0 THEN 0 ELSE 1.0 * t.format_valid_turns / t.length END) >= ?'), p.push(r.minFormatValidRatio));
  if (r.maxInvalidActions !== undefined) (c.push('t.invalid_actions <= ?'), p.push(r.maxInvalidActions));
  if (r.games?.length) (c.push(`t.game IN (${r.games.map(() => '?').join(',')})`), p.push(...r.games));
  if (r.rolloutIds?.length) (c.push(`t.rollout_id IN (${r.rolloutIds.map(() => '?').join(',')})`), p.push(...r.rolloutIds));
  if (r.dropDuplicates) c.push('t.is_duplicate = 0');
  return { where: c.length ? c.join(' AND ') : '1', params: p };
}

// Complete trajectories with their rule verdict and their decision.
function reviewed(r: FilterRules): { sql: string; params: unknown[] } {
  const { where, params } = rulesSql(r);
  // "From these rollouts" scopes the whole review (counts, list, bulk actions), not only the verdict.
  const scope = r.rolloutIds?.length ? ` AND t.rollout_id IN (${r.rolloutIds.map(() => '?').join(',')})` : '';
  return {
    sql: `WITH judged AS (
            SELECT t.*, CASE WHEN ${where} THEN 1 ELSE 0 END AS passes, d.decision AS decision, d.note AS note
            FROM trajectories t LEFT JOIN decisions d ON d.trajectory_key = t.id
            WHERE t.status = 'complete'${scope}
          )`,
    params: [...params, ...(r.rolloutIds ?? [])],
  };
}

export type ReviewSort = 'order' | 'return' | 'length' | 'score';
export interface ListQuery {
  sort?: ReviewSort;
  descending?: boolean;
  /** Case-insensitive text in any turn's prompt, thinking, reply or action. */
  search?: string;
}

const ORDER = 'created_at, rollout_id, task_index, sample_index';
const SORT: Record<ReviewSort, string> = { order: ORDER, return: 'total_return', length: 'length', score: 'COALESCE(task_score, success)' };

function listSql(view: keyof typeof VIEW, q: ListQuery): { where: string; order: string; params: unknown[] } {
  const params: unknown[] = [];
  let where = VIEW[view];
  const text = q.search?.trim();
  if (text) {
    // LIKE with our own escape character, so % and _ in the search are plain text.
    const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where += ` AND EXISTS (SELECT 1 FROM turns u WHERE u.trajectory_id = judged.id AND (lower(u.prompt) LIKE ? ESCAPE '\\' OR lower(COALESCE(u.think, '')) LIKE ? ESCAPE '\\' OR lower(u.reply) LIKE ? ESCAPE '\\' OR lower(COALESCE(u.action, '')) LIKE ? ESCAPE '\\'))`;
    params.push(like, like, like, like);
  }
  const dir = q.descending ? 'DESC' : 'ASC';
  const sort = q.sort ?? 'order';
  const order =
    sort === 'order'
      ? q.descending
        ? ORDER.split(', ')
            .map((c) => `${c} DESC`)
            .join(', ')
        : ORDER
      : `${SORT[sort]} ${dir}, ${ORDER}`;
  return { where, order, params };
}

const VIEW: Record<'all' | 'accepted' | 'rejected' | 'undecided', string> = {
  all: '1',
  // A decision overrides the rules either way.
  accepted: "(decision = 'accept' OR (passes = 1 AND decision IS NULL))",
  rejected: "(decision = 'reject' OR (passes = 0 AND decision IS NULL))",
  undecided: 'decision IS NULL',
};

export class ReviewStore {
  constructor(readonly db: Db) {}

  counts(r: FilterRules): { total: number; passing: number; accepted: number } {
    const q = reviewed(r);
    return this.db
      .prepare(`${q.sql} SELECT COUNT(*) AS total, COALESCE(SUM(passes), 0) AS passing, COALESCE(SUM(CASE WHEN ${VIEW.accepted} THEN 1 ELSE 0 END), 0) AS accepted FROM judged`)
      .get(...q.params) as { total: number; passing: number; accepted: number };
  }

  /** Values of one column for the histograms, over every complete trajectory. */
  column(name: 'task_score' | 'length' | 'total_return'): number[] {
    const expr = name === 'task_score' ? 'COALESCE(task_score, success)' : name;
    return (this.db.prepare(`SELECT ${expr} AS v FROM trajectories WHERE status = 'complete'`).all() as { v: number }[]).map((x) => x.v);
  }

  list(r: FilterRules, view: keyof typeof VIEW, offset: number, limit: number, lq: ListQuery = {}): { total: number; items: JudgedTrajectory[] } {
    const q = reviewed(r);
    const l = listSql(view, lq);
    const total = (this.db.prepare(`${q.sql} SELECT COUNT(*) AS n FROM judged WHERE ${l.where}`).get(...q.params, ...l.params) as { n: number }).n;
    const items = this.db
      .prepare(`${q.sql} SELECT * FROM judged WHERE ${l.where} ORDER BY ${l.order} LIMIT ? OFFSET ?`)
      .all(...q.params, ...l.params, limit, offset) as ReviewRow[];
    return { total, items: items.map(toJudged) };
  }

  /** The current decisions of everything a list shows (for a bulk action and its undo). */
  listed(r: FilterRules, view: keyof typeof VIEW, lq: ListQuery = {}): { id: string; decision: 'accept' | 'reject' | null; note: string | null }[] {
    const q = reviewed(r);
    const l = listSql(view, lq);
    return this.db.prepare(`${q.sql} SELECT id, decision, note FROM judged WHERE ${l.where} ORDER BY ${l.order}`).all(...q.params, ...l.params) as {
      id: string;
      decision: 'accept' | 'reject' | null;
      note: string | null;
    }[];
  }

  /** Sets (or restores) many decisions in one transaction. */
  decideMany(items: { id: string; decision: 'accept' | 'reject' | null; note: string | null | undefined }[], at: string): void {
    this.db.transaction(() => {
      for (const it of items) this.decide(it.id, it.decision, it.note, at);
    })();
  }

  /** Each rollout or import with complete trajectories, with its run's title when it has one. */
  sources(): { rollout_id: string; source: 'rollout' | 'import'; title: string | null; source_file: string | null; n: number; created_at: string }[] {
    return this.db
      .prepare(
        `SELECT t.rollout_id, t.source, MAX(r.title) AS title, MIN(t.source_file) AS source_file, COUNT(*) AS n, MIN(t.created_at) AS created_at
         FROM trajectories t LEFT JOIN runs r ON r.id = t.run_id WHERE t.status = 'complete' GROUP BY t.rollout_id, t.source ORDER BY MIN(t.created_at)`,
      )
      .all() as { rollout_id: string; source: 'rollout' | 'import'; title: string | null; source_file: string | null; n: number; created_at: string }[];
  }

  one(id: string, r: FilterRules): JudgedTrajectory | undefined {
    const q = reviewed(r);
    const row = this.db.prepare(`${q.sql} SELECT * FROM judged WHERE id = ?`).get(...q.params, id) as ReviewRow | undefined;
    return row && toJudged(row);
  }

  acceptedIds(r: FilterRules): string[] {
    const q = reviewed(r);
    return (
      this.db.prepare(`${q.sql} SELECT id FROM judged WHERE ${VIEW.accepted} ORDER BY created_at, rollout_id, task_index, sample_index`).all(...q.params) as { id: string }[]
    ).map((x) => x.id);
  }

  /** decision null clears it; a note may stand alone. Nothing left: the row goes. */
  decide(id: string, decision: 'accept' | 'reject' | null, note: string | null | undefined, at: string): void {
    const existing = this.db.prepare('SELECT note FROM decisions WHERE trajectory_key = ?').get(id) as { note: string | null } | undefined;
    const keptNote = note === undefined ? (existing?.note ?? null) : note;
    if (decision === null && !keptNote) {
      this.db.prepare('DELETE FROM decisions WHERE trajectory_key = ?').run(id);
      return;
    }
    this.db
      .prepare(
        'INSERT INTO decisions(trajectory_key, decision, note, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(trajectory_key) DO UPDATE SET decision = excluded.decision, note = excluded.note, updated_at = excluded.updated_at',
      )
      .run(id, decision, keptNote, at);
  }

  saveFilter(name: string, rules: FilterRules, at: string): { id: string; name: string; rules_json: string; updated_at: string } {
    this.db
      .prepare(
        'INSERT INTO filters(id, name, rules_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET rules_json = excluded.rules_json, updated_at = excluded.updated_at',
      )
      .run(randomUUID(), name, JSON.stringify(rules), at, at);
    return this.db.prepare('SELECT id, name, rules_json, updated_at FROM filters WHERE name = ?').get(name) as { id: string; name: string; rules_json: string; updated_at: string };
  }

  filters(): { id: string; name: string; rules_json: string; updated_at: string }[] {
    return this.db.prepare('SELECT id, name, rules_json, updated_at FROM filters ORDER BY name').all() as { id: string; name: string; rules_json: string; updated_at: string }[];
  }
}
