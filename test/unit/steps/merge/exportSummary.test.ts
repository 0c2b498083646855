// The Merge export's job summary says what was exported where (not the last file copied) and its
// output is not named "(export)" (issue 18).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

describe('merge export summary', () => {
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
});
