import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FilterPreview, LineageNode, TrajectorySummary } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { startChatServer } from '../../../helpers/chatServer';
import { tempDir } from '../../../helpers/tmp';

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

/** 6 expert trajectories (3 levels × 2 identical samples) + 2 failed model trajectories. */
async function setup() {
  const s = await startChatServer(() => ({ text: 'no action here' }));
  close = s.close;
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'review');
  const { runner } = studio.requireProject();
  const expert = runner.start('rollout.run', { name: 'expert', tasks: 3, samplesPerTask: 2, seed: 40 });
  const model = runner.start('rollout.run', { name: 'model', tasks: 2, samplesPerTask: 1, seed: 40, policy: { type: 'openai', baseUrl: s.url, model: 'm' } });
  await runner.idle();
  const call = <T>(m: string, p: unknown) => studio.api.handle(m, p) as Promise<T>;
  return { studio, runner, call, expertId: expert.id, modelId: model.id };
}

describe('filter and review', () => {
  it('counts what the rules keep, with histograms, duplicates and per-run rules', async () => {
    const { studio, call, expertId } = await setup();
    const all = await call<FilterPreview>('review.preview', { rules: {} });
    expect(all).toMatchObject({ total: 8, passing: 8, accepted: 8 });
    expect(all.histograms.length.counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect((await call<FilterPreview>('review.preview', { rules: { success: true } })).passing).toBe(6);
    // Two expert samples per level play the same actions: duplicates.
    expect((await call<FilterPreview>('review.preview', { rules: { success: true, dropDuplicates: true } })).passing).toBe(3);
    expect((await call<FilterPreview>('review.preview', { rules: { maxLength: 14 } })).passing).toBe(6);
    expect((await call<FilterPreview>('review.preview', { rules: { minFormatValidRatio: 1 } })).passing).toBe(6);
    expect((await call<FilterPreview>('review.preview', { rules: { rolloutIds: [expertId] } })).passing).toBe(6);
    await expect(call('review.preview', { rules: { minLength: -1 } })).rejects.toThrow(/rules\.minLength/);
    await studio.dispose();
  });

  it('decisions override the rules both ways and keep notes', async () => {
    const { studio, call } = await setup();
    const rules = { success: true };
    const list = await call<{ total: number; items: TrajectorySummary[] }>('review.list', { rules, view: 'all', limit: 100 });
    const failed = list.items.find((t) => !t.success)!;
    const won = list.items.find((t) => t.success)!;
    await call('review.decide', { id: failed.id, decision: 'accept', note: 'interesting recovery' });
    await call('review.decide', { id: won.id, decision: 'reject' });
    const p = await call<FilterPreview>('review.preview', { rules });
    expect(p).toMatchObject({ passing: 6, accepted: 6 });
    const accepted = await call<{ items: TrajectorySummary[] }>('review.list', { rules, view: 'accepted' });
    expect(accepted.items.map((t) => t.id)).toContain(failed.id);
    expect(accepted.items.map((t) => t.id)).not.toContain(won.id);
    const one = await call<{ trajectory: TrajectorySummary; turns: { frameId: number }[] }>('review.trajectory', { id: failed.id, rules });
    expect(one.trajectory).toMatchObject({ decision: 'accept', note: 'interesting recovery', passes: false });
    const frame = await call<{ png: string; width: number }>('review.frame', { id: one.turns[0]!.frameId });
    expect(frame.width).toBe(256);
    expect(Buffer.from(frame.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    // Clearing the decision but keeping a note: the rules decide again.
    await call('review.decide', { id: failed.id, decision: null });
    expect((await call<FilterPreview>('review.preview', { rules })).accepted).toBe(5);
    expect((await call<{ trajectory: TrajectorySummary }>('review.trajectory', { id: failed.id })).trajectory).toMatchObject({ decision: null, note: 'interesting recovery' });
    await call('review.decide', { id: failed.id, decision: null, note: null });
    expect((await call<{ trajectory: TrajectorySummary }>('review.trajectory', { id: failed.id })).trajectory.note).toBeNull();
    await expect(call('review.decide', { id: 'nope', decision: 'accept' })).rejects.toThrow(/no trajectory with id nope/);
    await studio.dispose();
  });

  it('saves named filters', async () => {
    const { studio, call } = await setup();
    await call('review.saveFilter', { name: 'won, no dupes', rules: { success: true, dropDuplicates: true } });
    await call('review.saveFilter', { name: 'won, no dupes', rules: { success: true } });
    const f = await call<{ name: string; rules: object }[]>('review.filters', {});
    expect(f).toEqual([expect.objectContaining({ name: 'won, no dupes', rules: { success: true } })]);
    await studio.dispose();
  });

  it('exports the accepted set as JSONL and as ARLArena JSON, traced back to the rollouts', async () => {
    const { studio, runner, call, expertId } = await setup();
    const { project } = studio.requireProject();
    const a = runner.start('review.export', { name: 'won', rules: { success: true, dropDuplicates: true }, format: 'jsonl' });
    const b = runner.start('review.export', { name: 'won-arl', rules: { success: true }, format: 'arlarena' });
    const empty = runner.start('review.export', { name: 'none', rules: { minLength: 99 } });
    await runner.idle();
    expect(runner.summary(empty.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('nothing to export') });
    const ja = project.store.runOutputs(a.id)[0]!;
    const lines = readFileSync(join(project.dir, ja.path, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.success && l.turns.every((t: { image: { data: string } }) => t.image.data.length > 100))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(project.dir, ja.path, 'dataset.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'vlm-sft-studio.trajectories', trajectories: 3, rollouts: [expertId] });
    const jb = project.store.runOutputs(b.id)[0]!;
    const file = readdirSync(join(project.dir, jb.path)).find((f) => f.startsWith('high_score_multiturn_texts_'))!;
    const eps = JSON.parse(readFileSync(join(project.dir, jb.path, file), 'utf8'));
    expect(eps).toHaveLength(6);
    expect(eps.map((e: { sample_idx: number }) => e.sample_idx)).toEqual([0, 1, 2, 3, 4, 5]);
    const ep = eps[0];
    expect(ep.turns[0]).toMatchObject({ step: 0, inputs: [{ role: 'user' }], image: { format: 'png_base64' } });
    // Every turn keeps its own frame: a moving player changes the picture.
    if (ep.turns.length > 1) expect(ep.turns[0].image.data).not.toBe(ep.turns[1].image.data);
    const tree = await call<LineageNode>('artifacts.lineage', { artifactId: ja.id });
    expect(tree.producedBy!.inputs.map((n) => n.artifact.kind)).toEqual(['trajectories']);
    expect(tree.producedBy!.inputs[0]!.producedBy!.run.kind).toBe('rollout.run');
    await studio.dispose();
  });
});
