// Importing ARLArena trajectory files through the real job: good episodes in,
// broken ones reported with file and JSON path, keys unique across files.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FilterPreview, TrajectorySummary } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { TrajectoryStore } from '../../../../main/core/db/trajectories';
import { tempDir } from '../../../helpers/tmp';

const FIX = join(__dirname, '..', '..', '..', 'fixtures', 'arlarena');

describe('ARLArena import job', () => {
  it('imports the good episodes of every file, logs each problem with its path, and keys by (file, sample_idx)', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'imports');
    const { runner, project } = studio.requireProject();
    const dir = join(tempDir(), 'sft');
    mkdirSync(dir);
    for (const f of [
      'high_score_multiturn_texts_seed2.json',
      'high_score_multiturn_texts_seed3.json',
      'high_score_multiturn_texts_seed4.json',
      'high_score_multiturn_texts_seed5.json',
    ])
      copyFileSync(join(FIX, f), join(dir, f));
    const run = runner.start('rollout.import', { paths: [dir] });
    await runner.idle();
    expect(runner.summary(run.id).status).toBe('succeeded');
    const logs = project.store.listLogs(run.id).map((l) => l.message);
    // A file that is not a list, and one that is not JSON, are named with what is wrong.
    expect(logs.some((m) => m.startsWith('high_score_multiturn_texts_seed3.json:'))).toBe(true);
    expect(logs.some((m) => /^high_score_multiturn_texts_seed4\.json: .*line 6/.test(m))).toBe(true);
    // Broken episodes inside a good file are named by their JSON path.
    expect(logs.some((m) => /^high_score_multiturn_texts_seed2\.json: \[\d+\]/.test(m))).toBe(true);
    const rows = new TrajectoryStore(project.db).byRollout(run.id);
    expect(rows.length).toBeGreaterThan(0);
    const keys = rows.map((r) => `${r.source_file}#${r.source_index}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.every((r) => r.source === 'import' && r.status === 'complete')).toBe(true);
    const seeds = new Set(rows.map((r) => r.seed));
    expect([...seeds].every((s) => s === 2 || s === 5)).toBe(true);
    // Imported trajectories can be reviewed like our own.
    const p = (await studio.api.handle('review.preview', { rules: {} })) as FilterPreview;
    expect(p.total).toBe(rows.length);
    const list = (await studio.api.handle('review.list', { rules: {}, limit: 5 })) as { items: TrajectorySummary[] };
    expect(list.items[0]!.source).toBe('import');
    // Every file episodes came from is recorded as an artifact; the files nothing could be read from are not (Convert never lists them).
    expect(
      project.store
        .runOutputs(run.id)
        .map((a) => a.name)
        .sort(),
    ).toEqual(['high_score_multiturn_texts_seed2.json', 'high_score_multiturn_texts_seed5.json']);
    expect(logs).toContain('high_score_multiturn_texts_seed3.json: no episode could be read; not imported');
    await studio.dispose();
  });

  it('fails clearly when nothing can be imported', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'imports');
    const { runner, project } = studio.requireProject();
    const bad = runner.start('rollout.import', { paths: [join(FIX, 'high_score_multiturn_texts_seed4.json')] });
    const missing = runner.start('rollout.import', { paths: [join(FIX, 'nope.json')] });
    await runner.idle();
    expect(runner.summary(bad.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('no episode could be imported') });
    expect(runner.summary(missing.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('nope.json does not exist') });
    // Nothing of a failed import is saved: no trajectories, no artifact for Convert to offer.
    expect(new TrajectoryStore(project.db).byRollout(bad.id)).toEqual([]);
    expect(project.store.listArtifacts(['trajectories'])).toEqual([]);
    await studio.dispose();
  });
});
