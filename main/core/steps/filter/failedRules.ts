// Which rules a trajectory fails, in words a reviewer reads ("lost", "return 0.5 < 1").
// Mirrors db/review.ts's rulesSql one rule at a time; the review test checks they agree.
import type { FilterRules } from '../../../../preload/contract';
import type { JudgedTrajectory } from '../../db/review';

const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export function failedRules(
  r: FilterRules,
  t: Pick<JudgedTrajectory, 'success' | 'taskScore' | 'return' | 'length' | 'formatValidTurns' | 'invalidActions' | 'game' | 'rolloutId' | 'isDuplicate'>,
): string[] {
  const out: string[] = [];
  if (r.success !== undefined && t.success !== r.success) out.push(r.success ? 'lost (rule: succeeded)' : 'won (rule: failed only)');
  const score = t.taskScore ?? (t.success ? 1 : 0);
  if (r.minTaskScore !== undefined && !(score >= r.minTaskScore)) out.push(`task score ${n(score)} < ${n(r.minTaskScore)}`);
  if (r.minReturn !== undefined && !(t.return >= r.minReturn)) out.push(`return ${n(t.return)} < ${n(r.minReturn)}`);
  if (r.maxReturn !== undefined && !(t.return <= r.maxReturn)) out.push(`return ${n(t.return)} > ${n(r.maxReturn)}`);
  if (r.minLength !== undefined && !(t.length >= r.minLength)) out.push(`${t.length} turns < ${r.minLength}`);
  if (r.maxLength !== undefined && !(t.length <= r.maxLength)) out.push(`${t.length} turns > ${r.maxLength}`);
  if (r.minFormatValidRatio !== undefined) {
    const ratio = t.length === 0 ? 0 : t.formatValidTurns / t.length;
    if (!(ratio >= r.minFormatValidRatio)) out.push(`format-valid ${n(ratio)} < ${n(r.minFormatValidRatio)}`);
  }
  if (r.maxInvalidActions !== undefined && !(t.invalidActions <= r.maxInvalidActions)) out.push(`${t.invalidActions} invalid actions > ${r.maxInvalidActions}`);
  if (r.games?.length && !r.games.includes(t.game)) out.push(`game ${t.game} not in ${r.games.join(', ')}`);
  if (r.rolloutIds?.length && !r.rolloutIds.includes(t.rolloutId)) out.push('from another rollout or import');
  if (r.dropDuplicates && t.isDuplicate) out.push('duplicate of an earlier trajectory');
  return out;
}
