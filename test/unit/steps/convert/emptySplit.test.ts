// 5 % of 4 episodes is no validation episode at all: the preview warns and the convert job logs
// it; a share that does give validation episodes warns of nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConvertPreview } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { emptySplitWarning } from '../../../../main/core/steps/convert/splitWarning';
import { tempDir } from '../../../helpers/tmp';

describe('empty validation split', () => {
  it('is warned in the preview and in the convert job log', async () => {
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(tempDir(), 'p'), 'split');
    const { runner, project } = studio.requireProject();
    runner.start('rollout.run', { name: 'expert', tasks: 4, samplesPerTask: 1, seed: 7 });
    await runner.idle();
    const exp = runner.start('review.export', { name: 'won', rules: { success: true }, format: 'jsonl' });
    await runner.idle();
    const dataset = project.store.runOutputs(exp.id)[0]!;
    const call = <T>(m: string, p: unknown) => studio.api.handle(m, p) as Promise<T>;
    // Episodes are keyed by their ids (new each rollout): take the first split seed that puts
    // none of the 4 under 5 % (0.95^4 = 81 % of seeds do).
    let seed = 0;
    let p5: ConvertPreview;
    for (; ; seed++) {
      p5 = await call<ConvertPreview>('convert.preview', { datasetArtifactId: dataset.id, split: { by: 'ratio', validation: 0.05, values: [], seed } });
      if (p5.stats.validation === 0 || seed > 30) break;
    }
    expect(p5.stats).toMatchObject({ episodes: 4, validation: 0 });
    expect(p5.warnings).toContain(
      'The validation split is empty: 5 % of 4 episodes rounds to none. Training will report no validation loss; raise the share, pick validation games or seeds, or set 0 % on purpose.',
    );
    const p5ok = await call<ConvertPreview>('convert.preview', { datasetArtifactId: dataset.id, split: { by: 'ratio', validation: 0.9, values: [], seed } });
    expect(p5ok.stats.validation).toBeGreaterThan(0);
    expect(p5ok.warnings.some((w) => w.includes('validation split is empty'))).toBe(false);
    const p0 = await call<ConvertPreview>('convert.preview', { datasetArtifactId: dataset.id, split: { by: 'ratio', validation: 0, values: [], seed: 0 } });
    expect(p0.warnings.some((w) => w.includes('split is empty'))).toBe(false);

    const run = runner.start('convert.run', { datasetArtifactId: dataset.id, split: { by: 'ratio', validation: 0.05, values: [], seed } });
    await runner.idle();
    expect(project.store.getRun(run.id)!.status).toBe('succeeded');
    const warns = project.store
      .listLogs(run.id)
      .filter((l) => l.level === 'warn')
      .map((l) => l.message);
    expect(warns.some((m) => m.startsWith('The validation split is empty: 5 % of 4 episodes'))).toBe(true);
    await studio.dispose();
  });

  it('an empty train split is named too; a combined (ARLArena) file never warns', () => {
    expect(emptySplitWarning({ episodes: 2, samples: 8, train: 0, validation: 8 }, 0.9, [])).toMatch(/^The train split is empty/);
    expect(emptySplitWarning({ episodes: 4, samples: 8, train: 8, validation: 0 }, 0.05, [], 'combined')).toBeNull();
    expect(emptySplitWarning({ episodes: 4, samples: 8, train: 8, validation: 0 }, 0, ['sokoban'])).toMatch(/validation value sokoban matches no episode/);
  });
});
