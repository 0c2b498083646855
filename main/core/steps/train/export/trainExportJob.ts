// The Train step's "Export training job": a converted dataset → a TRL +
// accelerate project folder, recorded with the dataset as its input.
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { TrainExportConfig } from '../../../../../preload/contract/train';
import type { JobDefinition } from '../../../jobs/types';
import { artifactDir } from '../../../project/layout';
import { nowIso } from '../../../util/time';
import type { ExportConfig } from './exportTypes';
import { readDatasetFolder, writeTrainExport } from './trainExport';

export const trainExportJob: JobDefinition<ExportConfig> = {
  kind: 'train.export',
  step: 'train',
  schema: TrainExportConfig,
  title: (c) => `Export training job (${c.strategy}, ${c.nodes}×${c.gpus} GPUs)`,
  async run(ctx) {
    const c = ctx.config;
    const dataset = ctx.input(c.datasetArtifactId, 'dataset', ['dataset-parquet'], 'a converted (Parquet) dataset');
    const ds = readDatasetFolder(dataset.path, dataset.name);
    const name = c.name ?? `${dataset.name}-sft-${c.strategy}`;
    const outDir = ctx.ownOutput(c.dest ? resolve(c.dest) : join(artifactDir(ctx.project.dir, 'file'), `${name.replace(/\s+/g, '-')}-${randomUUID().slice(0, 8)}`));
    ctx.progress(0.1, 'writing the project');
    const r = writeTrainExport(outDir, c, ds, nowIso());
    ctx.log('info', `wrote ${r.files.length} files to ${r.outDir} (data ${r.data})`);
    if (r.notCarried.length) ctx.log('warn', `not carried over from the Train form (the cluster script has no counterpart): ${r.notCarried.join('; ')}`);
    ctx.progress(0.5, 'hashing the export');
    await ctx.addOutput({
      path: r.outDir,
      kind: 'file',
      name,
      meta: {
        type: 'trl-accelerate-project',
        strategy: c.strategy,
        gpus: c.gpus,
        nodes: c.nodes,
        qlora: c.train.quant !== 'none',
        r: c.train.lora.r,
        dataset: dataset.id,
        baseModel: c.baseModel,
      },
    });
    ctx.progress(1, `bash ${join(r.outDir, 'launch.sh')}`);
  },
};
