// Issue 18's smaller slips: the Merge export's job summary says what was exported where (not
// the last file copied) and its output is not named "(export)"; the memory estimate's seq-len
// source reads well inside the UI's parentheses, whether a dataset is chosen or not.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { makeQwen3VLCheckpoint } from '../helpers/checkpoints';
import { tempDir } from '../helpers/tmp';

describe('small slips', () => {
  it('merge export: summary names the file count and destination; output name without "(export)"', async () => {
    const root = tempDir();
    makeQwen3VLCheckpoint(join(root, 'm'), { shards: 1 });
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(root, 'p'), 'slips');
    const { runner } = studio.requireProject();
    runner.start('artifact.import', { path: join(root, 'm'), kind: 'merged-model', mode: 'copy', name: 'sokoban-merged' });
    await runner.idle();
    const merged = ((await studio.api.handle('artifacts.list', { kinds: ['merged-model'] })) as Artifact[])[0]!;
    const dest = join(root, 'out');
    const ex = runner.start('merge.export', { artifactId: merged.id, dest, mode: 'copy' });
    await runner.idle();
    const s = runner.summary(ex.id);
    expect(s.status).toBe('succeeded');
    expect(s.progressMessage).toBe(`${readdirSync(dest).length} files exported to ${dest}`);
    const names = ((await studio.api.handle('artifacts.list', { kinds: ['merged-model'] })) as Artifact[]).map((a) => a.name);
    expect(names.sort()).toEqual(['sokoban-merged', 'sokoban-merged-export']);
    await studio.dispose();
  });

  it('memory estimate: the seq-len source has no parentheses of its own', async () => {
    const root = tempDir();
    makeQwen3VLCheckpoint(join(root, 'm'), { shards: 1 });
    mkdirSync(join(root, 'd'));
    const studio = new Studio({ shell: 'server', configDir: tempDir() });
    studio.createProject(join(root, 'p'), 'slips');
    const { runner } = studio.requireProject();
    runner.start('artifact.import', { path: join(root, 'm'), kind: 'base-model', mode: 'reference' });
    await runner.idle();
    const base = ((await studio.api.handle('artifacts.list', { kinds: ['base-model'] })) as Artifact[])[0]!;
    const e = (await studio.api.handle('train.estimate', { baseArtifactId: base.id })) as { seqLenSource: string };
    expect(e.seqLenSource).toBe('assumed, no dataset chosen');
    const withDataset = (await studio.api.handle('train.estimate', { baseArtifactId: base.id, datasetArtifactId: base.id })) as { seqLenSource: string };
    expect(withDataset.seqLenSource).not.toMatch(/no dataset chosen|[()]/);
    await studio.dispose();
  });
});
