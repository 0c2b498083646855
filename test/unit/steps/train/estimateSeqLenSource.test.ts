// The memory estimate's seq-len source reads well inside the UI's parentheses, whether a dataset
// is chosen or not (issue 18).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

describe('memory estimate', () => {
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
