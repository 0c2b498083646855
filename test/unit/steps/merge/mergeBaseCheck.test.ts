// A merge checks the base against the adapter before it starts (issue 23, item 6): the
// architecture the adapter records, the base its training run read, and the Hub id it names.
// A mismatch fails the job naming both sides and writes nothing; the adapter's own base merges.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Studio } from '../../../../main/core/studio';
import { makeLoraAdapter, makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { tempDir } from '../../../helpers/tmp';

async function setup() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  const root = tempDir();
  studio.createProject(join(root, 'project'), 'merge');
  const specs = makeQwen3VLCheckpoint(join(root, 'base-a'), { seed: 1 });
  makeQwen3VLCheckpoint(join(root, 'base-b'), { seed: 2 }); // same shapes and class, other weights
  makeLoraAdapter(join(root, 'adapter'), specs, {});
  const { runner, project } = studio.requireProject();
  runner.start('artifact.import', { path: join(root, 'base-a'), kind: 'base-model', mode: 'reference', name: 'base-a' });
  runner.start('artifact.import', { path: join(root, 'base-b'), kind: 'base-model', mode: 'reference', name: 'base-b' });
  runner.start('artifact.import', { path: join(root, 'adapter'), kind: 'adapter', mode: 'reference', name: 'lora' });
  await runner.idle();
  const byName = (n: string) => project.store.listArtifacts().find((a) => a.name === n)!;
  return { studio, runner, project, root, a: byName('base-a'), b: byName('base-b'), adapter: byName('lora') };
}

const setConfig = (dir: string, patch: Record<string, unknown>) => {
  const file = join(dir, 'adapter_config.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
};

describe('merge checks the base against the adapter', () => {
  it('refuses an adapter recorded for another architecture, before writing anything', async () => {
    const { studio, runner, project, root, a, adapter } = await setup();
    setConfig(join(root, 'adapter'), { auto_mapping: { base_model_class: 'Qwen2_5_VLForConditionalGeneration', parent_library: 'transformers' } });
    const r = runner.start('merge.run', { baseArtifactId: a.id, adapterArtifactId: adapter.id });
    await runner.idle();
    expect(runner.summary(r.id)).toMatchObject({
      status: 'failed',
      error:
        "adapter 'lora' was trained on a Qwen2_5_VLForConditionalGeneration, but base 'base-a' is a Qwen3VLForConditionalGeneration: merging it would write a model of the wrong class",
    });
    expect(project.store.listArtifacts(['merged-model'])).toEqual([]);
    await studio.dispose();
  });

  it('refuses a base other than the one the adapter was trained on, and merges into its own base', async () => {
    const { studio, runner, project, root, a, b, adapter } = await setup();
    setConfig(join(root, 'adapter'), { auto_mapping: { base_model_class: 'Qwen3VLForConditionalGeneration', parent_library: 'transformers' } });
    // The adapter as a training run on base-a leaves it: produced by a run whose input is base-a.
    const trainRun = randomUUID();
    project.store.insertRun({ id: trainRun, kind: 'train.run', step: 'train', title: 'Train', config_json: '{}', created_at: new Date().toISOString() });
    project.store.addRunInput(trainRun, a.id, 'base');
    project.db.prepare('UPDATE artifacts SET produced_by_run_id = ? WHERE id = ?').run(trainRun, adapter.id);
    const wrong = runner.start('merge.run', { baseArtifactId: b.id, adapterArtifactId: adapter.id });
    await runner.idle();
    expect(runner.summary(wrong.id)).toMatchObject({
      status: 'failed',
      error: "adapter 'lora' was trained on 'base-a' (Qwen3VLForConditionalGeneration), not on 'base-b' (Qwen3VLForConditionalGeneration): choose its own base, 'base-a'",
    });
    expect(project.store.listArtifacts(['merged-model'])).toEqual([]);
    // What the Merge form preselects for this adapter.
    expect(await studio.api.handle('artifacts.baseModelId', { artifactId: adapter.id })).toMatchObject({ baseArtifactId: a.id, baseName: 'base-a' });
    const right = runner.start('merge.run', { baseArtifactId: a.id, adapterArtifactId: adapter.id });
    await runner.idle();
    expect(runner.summary(right.id).status).toBe('succeeded');
    expect(project.store.listLogs(right.id).map((l) => l.message)).toContain("the adapter fits the base: architecture Qwen3VLForConditionalGeneration, trained on 'base-a'");
    await studio.dispose();
  });

  it('refuses a base whose Hub id is not the one the adapter names', async () => {
    const { studio, runner, root, a, adapter } = await setup();
    setConfig(join(root, 'adapter'), { base_model_name_or_path: 'Qwen/Qwen3-VL-4B-Instruct' });
    await studio.api.handle('artifacts.setHubId', { artifactId: a.id, hubId: 'Qwen/Qwen3-VL-8B-Instruct' });
    const r = runner.start('merge.run', { baseArtifactId: a.id, adapterArtifactId: adapter.id });
    await runner.idle();
    expect(runner.summary(r.id)).toMatchObject({
      status: 'failed',
      error: "adapter 'lora' names its base as Qwen/Qwen3-VL-4B-Instruct (adapter_config.json base_model_name_or_path), but base 'base-a' is Qwen/Qwen3-VL-8B-Instruct",
    });
    await studio.dispose();
  });
});
