import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LineageNode } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

async function projectWithInputs() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const root = tempDir();
  studio.createProject(join(root, 'project'), 'merge');
  const specs = makeQwen3VLCheckpoint(join(root, 'base'), {});
  makeLoraAdapter(join(root, 'adapter'), specs, {});
  const { runner, project } = studio.requireProject();
  runner.start('artifact.import', { path: join(root, 'base'), kind: 'base-model', mode: 'reference' });
  runner.start('artifact.import', { path: join(root, 'adapter'), kind: 'adapter', mode: 'copy' });
  await runner.idle();
  const base = project.store.listArtifacts(['base-model'])[0]!;
  const adapter = project.store.listArtifacts(['adapter'])[0]!;
  return { studio, runner, project, root, base, adapter };
}

describe('merge jobs', () => {
  it('merges two artifacts into a merged-model artifact with lineage, and exports it by hard links', async () => {
    const { studio, runner, project, root, base, adapter } = await projectWithInputs();
    const run = runner.start('merge.run', { baseArtifactId: base.id, adapterArtifactId: adapter.id, name: 'sokoban-4b' });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const merged = project.store.runOutputs(run.id)[0]!;
    expect(merged).toMatchObject({ kind: 'merged-model', in_project: 1, name: 'sokoban-4b' });
    expect(merged.path).toMatch(/^artifacts\/merged\/sokoban-4b-[0-9a-f]{8}$/);
    expect(
      project.store
        .runInputs(run.id)
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['adapter', 'base-model']);
    const card = readFileSync(join(project.dir, merged.path, 'README.md'), 'utf8');
    expect(card).toContain(`adapter '${adapter.name}'`);
    const tree = (await studio.api.handle('artifacts.lineage', { artifactId: merged.id })) as LineageNode;
    expect(tree.producedBy!.inputs.map((n) => n.artifact.kind).sort()).toEqual(['adapter', 'base-model']);

    const dest = join(root, 'exported');
    const ex = runner.start('merge.export', { artifactId: merged.id, dest, mode: 'link' });
    await runner.idle();
    expect(runner.summary(ex.id).status).toBe('succeeded');
    const files = readdirSync(dest).sort();
    expect(files).toEqual(readdirSync(join(project.dir, merged.path)).sort());
    const shard = files.find((f) => f.endsWith('.safetensors'))!;
    expect(statSync(join(dest, shard)).ino).toBe(statSync(join(project.dir, merged.path, shard)).ino);
    const exported = project.store.runOutputs(ex.id)[0]!;
    expect(exported).toMatchObject({ kind: 'merged-model', sha256: merged.sha256, in_project: 0 });
    await studio.dispose();
  });

  it('a failed merge is a failed job with the reason, and leaves no folder in the project', async () => {
    const { studio, runner, project, base } = await projectWithInputs();
    const run = runner.start('merge.run', { baseArtifactId: base.id, adapterArtifactId: base.id });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('not an adapter') });
    expect(readdirSync(join(project.dir, 'artifacts', 'merged'))).toEqual([]);
    expect(existsSync(join(project.dir, 'studio.db'))).toBe(true);
    await studio.dispose();
  });
});
