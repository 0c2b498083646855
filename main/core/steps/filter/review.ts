// Step 2's read side: rule previews with histograms, the review list, one
// trajectory's turns, frames, decisions and saved filters.
import type { FilterPreview, FilterRules, SavedFilter, TrajectorySummary, TurnView } from '../../../../preload/contract';
import type { JudgedTrajectory, ListQuery } from '../../db/review';
import { failedRules } from './failedRules';
import type { Project } from '../../project/project';
import { StudioError } from '../../util/errors';
import { nowIso } from '../../util/time';
import { histogram } from '../../util/histogram';
import { ReviewState, type DecisionState, type ReviewSource, type ReviewView } from '../../../../preload/contract/filter';

const STATE_KEY = 'review.state';

export function toSummary(t: JudgedTrajectory, rules: FilterRules = {}): TrajectorySummary {
  const { isDuplicate: _, ...shown } = t;
  return { ...shown, failedRules: failedRules(rules, t) };
}

export class Review {
  private readonly review: Project['review'];
  private readonly trajectories: Project['trajectories'];
  constructor(private readonly project: Project) {
    this.review = project.review;
    this.trajectories = project.trajectories;
  }

  preview(rules: FilterRules): FilterPreview {
    const c = this.review.counts(rules);
    return {
      ...c,
      histograms: {
        taskScore: histogram(this.review.column('task_score')),
        length: histogram(this.review.column('length')),
        return: histogram(this.review.column('total_return')),
      },
    };
  }

  list(rules: FilterRules, view: ReviewView, offset: number, limit: number, q: ListQuery = {}): { total: number; items: TrajectorySummary[] } {
    const r = this.review.list(rules, view, offset, limit, q);
    return { total: r.total, items: r.items.map((row) => toSummary(row, rules)) };
  }

  /** One decision for everything the list shows; returns what each had before, for undo. */
  decideMany(rules: FilterRules, view: ReviewView, q: ListQuery, decision: 'accept' | 'reject' | null): { count: number; previous: DecisionState[] } {
    const previous = this.review.listed(rules, view, q);
    this.review.decideMany(
      previous.map((p) => ({ id: p.id, decision, note: undefined })),
      nowIso(),
    );
    return { count: previous.length, previous };
  }

  /** Puts decisions back as they were (undo of one or many). */
  restore(items: DecisionState[]): void {
    for (const it of items) if (!this.trajectories.get(it.id)) throw new StudioError('not_found', `no trajectory with id ${it.id}`);
    this.review.decideMany(items, nowIso());
  }

  sources(): ReviewSource[] {
    return this.review.sources().map((s) => ({
      rolloutId: s.rollout_id,
      source: s.source,
      count: s.n,
      createdAt: s.created_at,
      label: s.title ?? (s.source_file ? `import of ${s.source_file}` : `${s.source} ${s.rollout_id.slice(0, 8)}`),
    }));
  }

  /** Rules, view, sort and search as the user left them, per project. */
  state(): ReviewState | null {
    const raw = this.project.store.getMeta(STATE_KEY);
    if (!raw) return null;
    const parsed = ReviewState.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  setState(s: ReviewState): ReviewState {
    this.project.store.setMeta(STATE_KEY, JSON.stringify(s));
    return s;
  }

  trajectory(id: string, rules: FilterRules = {}): { trajectory: TrajectorySummary; turns: TurnView[] } {
    const row = this.review.one(id, rules);
    if (!row) throw new StudioError('not_found', `no complete trajectory with id ${id}`);
    return {
      trajectory: toSummary(row, rules),
      turns: this.trajectories.turns(id).map((t) => ({
        idx: t.idx,
        prompt: t.prompt,
        textObs: t.text_obs,
        frameId: t.frame_id,
        reply: t.reply,
        think: t.think,
        action: t.action,
        actionValid: t.action_valid === 1,
        formatValid: t.format_valid === 1,
        reward: t.reward,
        done: t.done === 1,
        won: t.won === 1,
      })),
    };
  }

  frame(id: number): { png: string; width: number; height: number } {
    const f = this.trajectories.frame(id);
    if (!f) throw new StudioError('not_found', `no frame ${id}`);
    return { png: f.png.toString('base64'), width: f.width, height: f.height };
  }

  decide(id: string, decision: 'accept' | 'reject' | null, note: string | null | undefined): void {
    if (!this.trajectories.get(id)) throw new StudioError('not_found', `no trajectory with id ${id}`);
    this.review.decide(id, decision, note, nowIso());
  }

  filters(): SavedFilter[] {
    return this.review.filters().map((f) => ({ id: f.id, name: f.name, rules: JSON.parse(f.rules_json) as FilterRules, updatedAt: f.updated_at }));
  }

  saveFilter(name: string, rules: FilterRules): SavedFilter {
    const f = this.review.saveFilter(name, rules, nowIso());
    return { id: f.id, name: f.name, rules: JSON.parse(f.rules_json) as FilterRules, updatedAt: f.updated_at };
  }

  acceptedIds(rules: FilterRules): string[] {
    return this.review.acceptedIds(rules);
  }
}
