// A project ready for a train.run: a tiny Qwen3-VL base (test/helpers/checkpoints) and a 4-sample
// accepted dataset imported, and that dataset converted to Parquet against the base.
import { join } from 'node:path';
import { expect } from 'vitest';
import type { RunDetail } from '../../preload/contract';
import { Studio } from '../../main/core/studio';
import { makeQwen3VLCheckpoint } from './checkpoints';
import { writeJsonlDataset } from './datasets';
import { tempDir } from './tmp';

export interface TrainProjectOptions {
  /** The app's config folder (a fresh one by default). */
  configDir?: string;
  name?: string;
  /** The base checkpoint's options; default fp32, one shard, realistic weights (seed 4). */
  checkpoint?: Parameters<typeof makeQwen3VLCheckpoint>[1];
  /** Runs on the model folder before it is imported (e.g. to poison a tensor). */
  editModel?: (dir: string) => void;
  /** The converted dataset's validation share (default 0.3); null leaves the accepted set unconverted. */
  validation?: number | null;
}

export async function trainProject(o: TrainProjectOptions = {}) {
  const studio = new Studio({ shell: 'server', configDir: o.configDir ?? tempDir() });
  studio.createProject(join(tempDir(), 'p'), o.name ?? 'train');
  const { runner, project } = studio.requireProject();
  const model = join(tempDir(), 'tiny-qwen3-vl');
  makeQwen3VLCheckpoint(model, o.checkpoint ?? { dtype: 'F32', shards: 1, init: 'realistic', seed: 4 });
  o.editModel?.(model);
  runner.start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' });
  runner.start('artifact.import', {
    path: writeJsonlDataset(
      join(tempDir(), 'accepted'),
      Array.from({ length: 4 }, () => ({ turns: 2 })),
    ),
    kind: 'dataset-json',
    mode: 'reference',
  });
  await runner.idle();
  const base = project.store.listArtifacts(['base-model'])[0]!;
  const accepted = project.store.listArtifacts(['dataset-json'])[0]!;
  let dataset: typeof accepted | null = null;
  if (o.validation !== null) {
    const conv = runner.start('convert.run', {
      datasetArtifactId: accepted.id,
      modelArtifactId: base.id,
      split: { by: 'ratio', validation: o.validation ?? 0.3, values: [], seed: 2 },
    });
    await runner.idle();
    expect(runner.summary(conv.id).status).toBe('succeeded');
    dataset = project.store.runOutputs(conv.id)[0]!;
  }
  const detail = (id: string) => studio.api.handle('jobs.get', { runId: id }) as Promise<RunDetail>;
  const logOf = (runId: string): string =>
    project.store
      .listLogs(runId)
      .map((l) => l.message)
      .join('\n');
  return { studio, runner, project, model, base, accepted, dataset: dataset!, detail, logOf };
}
