// Review tools: which rule each trajectory fails (agreeing with the SQL verdict), sort and text
// search, bulk decisions on the listed set with undo, rollouts to filter by, state per project.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionState, FilterPreview, FilterRules, ReviewSource, ReviewState, TrajectorySummary } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { startChatServer } from '../../../helpers/chatServer';
import { tempDir } from '../../../helpers/tmp';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** 6 expert trajectories (3 levels × 2 samples) + 2 model trajectories that never act. */
async function setup() {
  const s = await startChatServer(() => ({ text: 'no action here' }));
  close = s.close;
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const dir = join(tempDir(), 'p');
  studio.createProject(dir, 'review');
  const { runner } = studio.requireProject();
  const expert = runner.start('rollout.run', { name: 'expert', tasks: 3, samplesPerTask: 2, seed: 40 });
  const model = runner.start('rollout.run', { name: 'model', tasks: 2, samplesPerTask: 1, seed: 40, policy: { type: 'openai', baseUrl: s.url, model: 'm' } });
  await runner.idle();
  const call = <T>(m: string, p: unknown = {}) => studio.api.handle(m, p) as Promise<T>;
  const list = (rules: FilterRules, extra: Record<string, unknown> = {}) =>
    call<{ total: number; items: TrajectorySummary[] }>('review.list', { rules, view: 'all', limit: 100, ...extra });
  return { studio, dir, call, list, expertId: expert.id, modelId: model.id };
}

describe('review tools', () => {
  it('names the failed rule of every trajectory, exactly for those the rules reject', async () => {
    const { studio, list } = await setup();
    for (const rules of [
      { success: true },
      { minLength: 3, maxInvalidActions: 0 },
      { success: true, dropDuplicates: true },
      { minReturn: 1, minFormatValidRatio: 1 },
    ] as FilterRules[]) {
      const { items } = await list(rules);
      for (const t of items) expect(t.failedRules.length === 0).toBe(t.passes);
    }
    const lost = (await list({ success: true })).items.find((t) => !t.success)!;
    expect(lost.failedRules).toEqual(['lost (rule: succeeded)']);
    const dup = (await list({ dropDuplicates: true })).items.filter((t) => !t.passes);
    expect(dup.length).toBeGreaterThan(0);
    expect(dup.every((t) => t.failedRules.includes('duplicate of an earlier trajectory'))).toBe(true);
    await studio.dispose();
  });

  it('sorts by return and length and searches the turns’ text', async () => {
    const { studio, list, call } = await setup();
    const byReturn = (await list({}, { query: { sort: 'return', descending: true } })).items.map((t) => t.return);
    expect(byReturn).toEqual([...byReturn].sort((a, b) => b - a));
    const byLength = (await list({}, { query: { sort: 'length' } })).items.map((t) => t.length);
    expect(byLength).toEqual([...byLength].sort((a, b) => a - b));
    // The model's replies say "no action here"; the expert's never do.
    const found = await list({}, { query: { search: 'NO ACTION here' } });
    expect(found.total).toBe(2);
    for (const t of found.items) {
      const d = await call<{ turns: { reply: string }[] }>('review.trajectory', { id: t.id });
      expect(d.turns.some((u) => u.reply.toLowerCase().includes('no action here'))).toBe(true);
    }
    expect((await list({}, { query: { search: '100%_' } })).total).toBe(0); // % and _ are literal
    await studio.dispose();
  });

  it('bulk-rejects the listed set and undoes it to the exact previous decisions', async () => {
    const { studio, call } = await setup();
    const rules = { success: true };
    const items = (await call<{ items: TrajectorySummary[] }>('review.list', { rules, view: 'all', limit: 100 })).items;
    const won = items.find((t) => t.success)!;
    await call('review.decide', { id: won.id, decision: 'accept', note: 'keep me' });
    const before = await call<FilterPreview>('review.preview', { rules });
    const bulk = await call<{ count: number; previous: DecisionState[] }>('review.decideMany', { rules, view: 'accepted', decision: 'reject' });
    expect(bulk.count).toBe(before.accepted);
    expect(bulk.previous.find((p) => p.id === won.id)).toEqual({ id: won.id, decision: 'accept', note: 'keep me' });
    expect((await call<FilterPreview>('review.preview', { rules })).accepted).toBe(0);
    await call('review.restore', { items: bulk.previous });
    expect(await call<FilterPreview>('review.preview', { rules })).toEqual(before);
    const again = await call<{ trajectory: TrajectorySummary }>('review.trajectory', { id: won.id });
    expect(again.trajectory).toMatchObject({ decision: 'accept', note: 'keep me' });
    await studio.dispose();
  });

  it('lists rollouts to filter by, and keeps the review state per project across reopen', async () => {
    const { studio, dir, call, expertId, modelId } = await setup();
    const sources = await call<ReviewSource[]>('review.sources');
    expect(new Map(sources.map((s) => [s.rolloutId, s.count]))).toEqual(
      new Map([
        [expertId, 6],
        [modelId, 2],
      ]),
    );
    expect(sources.every((s) => s.label.length > 0)).toBe(true);
    // Choosing a rollout scopes counts and list, not only the verdict.
    expect(await call<FilterPreview>('review.preview', { rules: { rolloutIds: [modelId] } })).toMatchObject({ total: 2, passing: 2 });
    expect((await call<{ total: number }>('review.list', { rules: { rolloutIds: [modelId] }, view: 'all' })).total).toBe(2);
    expect(await call('review.state')).toBeNull();
    const state: ReviewState = { rules: { success: true, rolloutIds: [expertId] }, view: 'undecided', query: { sort: 'return', search: 'left' } };
    await call('review.setState', state);
    await call('project.close');
    await call('project.open', { dir });
    expect(await call('review.state')).toEqual(state);
    await studio.dispose();
  });
});
