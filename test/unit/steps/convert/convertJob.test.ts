import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConvertPreview, LineageNode } from '../../../../preload/contract';
import { Studio } from '../../../../main/core/studio';
import { makeQwen3VLCheckpoint } from '../../../helpers/checkpoints';
import { readParquet } from '../../../helpers/parquet';
import { tempDir } from '../../../helpers/tmp';

/** Rollout (expert Sokoban) → Filter export → the accepted dataset the Convert step starts from. */
async function pipeline() {
  const studio = new Studio({ shell: 'server', configDir: tempDir() });
  studio.createProject(join(tempDir(), 'p'), 'convert');
  const { runner, project } = studio.requireProject();
  runner.start('rollout.run', { name: 'expert', tasks: 4, samplesPerTask: 1, seed: 7 });
  await runner.idle();
  const exp = runner.start('review.export', { name: 'won', rules: { success: true }, format: 'jsonl' });
  const model = join(tempDir(), 'base');
  makeQwen3VLCheckpoint(model);
  runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
  await runner.idle();
  const dataset = project.store.runOutputs(exp.id)[0]!;
  const base = project.store.listArtifacts(['base-model'])[0]!;
  const call = <T>(m: string, p: unknown) => studio.api.handle(m, p) as Promise<T>;
  return { studio, runner, project, dataset, base, call };
}

describe('convert step (job and preview)', () => {
  it('previews the first samples as the model sees them, then writes a Parquet dataset artifact with lineage', async () => {
    const { studio, runner, project, dataset, base, call } = await pipeline();
    const preview = await call<ConvertPreview>('convert.preview', { datasetArtifactId: dataset.id, modelArtifactId: base.id, limit: 2 });
    expect(preview.exactTokens).toBe(true);
    expect(preview.templateSource).toMatch(/chat_template.json$/);
    expect(preview.samples).toHaveLength(2);
    const s = preview.samples[0]!;
    expect(s.images).toHaveLength(1);
    expect(s.images[0]).toMatchObject({ width: 256, height: 256, resizedWidth: 256, resizedHeight: 256, tokens: 64 });
    expect(s.images[0]!.src.startsWith('data:image/png;base64,iVBOR')).toBe(true);
    expect(s.segments.filter((g) => g.kind === 'image')).toHaveLength(1);
    const trained = s.segments
      .filter((g) => g.kind === 'text' && g.loss)
      .map((g) => (g as { text: string }).text)
      .join('');
    expect(trained).toMatch(/<action>.*<\/action><\|im_end\|>\n$/s); // TRL's mask: the reply, <|im_end|> and its newline
    expect(s.segments.some((g) => g.kind === 'text' && !g.loss && g.text.includes('<|im_start|>user'))).toBe(true);
    expect(s.imageTokens).toBe(66);
    expect(s.tokens).toBe(s.textTokens + s.imageTokens);
    expect(preview.stats).toMatchObject({ episodes: 4, complete: true });
    expect(preview.stats.histogram.counts.reduce((a, b) => a + b, 0)).toBe(preview.stats.samples);

    const run = runner.start('convert.run', {
      datasetArtifactId: dataset.id,
      modelArtifactId: base.id,
      name: 'sokoban-trl',
      split: { by: 'ratio', validation: 0.25, values: [], seed: 1 },
    });
    await runner.idle();
    expect(runner.summary(run.id)).toMatchObject({ status: 'succeeded', progress: 1 });
    const out = project.store.runOutputs(run.id)[0]!;
    expect(out).toMatchObject({ kind: 'dataset-parquet', name: 'sokoban-trl', in_project: 1 });
    const dir = join(project.dir, out.path);
    const info = JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8'));
    expect(info.counts.samples).toBe(preview.stats.samples);
    expect(info.source).toMatchObject({ datasetArtifactId: dataset.id, modelArtifactId: base.id });
    const train = await readParquet(join(dir, 'train.parquet'));
    const val = await readParquet(join(dir, 'validation.parquet'));
    expect(train.numRows + val.numRows).toBe(info.counts.samples);
    expect(
      project.store
        .runInputs(run.id)
        .map((a) => a.kind)
        .sort(),
    ).toEqual(['base-model', 'dataset-json']);
    const tree = await call<LineageNode>('artifacts.lineage', { artifactId: out.id });
    expect(tree.producedBy!.inputs.map((n) => n.artifact.kind).sort()).toEqual(['base-model', 'dataset-json']);
    // The accepted dataset itself traces back to the rollout.
    const ds = tree.producedBy!.inputs.find((n) => n.artifact.kind === 'dataset-json')!;
    expect(ds.producedBy!.inputs.map((n) => n.artifact.kind)).toEqual(['trajectories']);
    await studio.dispose();
  });

  it('a bad setting or artifact is a failed job with the reason and no dataset folder', async () => {
    const { studio, runner, project, dataset, base } = await pipeline();
    const wrong = runner.start('convert.run', { datasetArtifactId: base.id });
    const pixels = runner.start('convert.run', { datasetArtifactId: dataset.id, minPixels: 5000, maxPixels: 100 });
    await runner.idle();
    expect(runner.summary(wrong.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('not an accepted dataset') });
    expect(runner.summary(pixels.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('minPixels (5000) is larger than maxPixels (100)') });
    expect(project.store.listArtifacts(['dataset-parquet'])).toEqual([]);
    await expect(studio.api.handle('convert.preview', { datasetArtifactId: dataset.id, history: 'sometimes' })).rejects.toThrow(/history/);
    await studio.dispose();
  });
});
