// The Convert step's job: an accepted dataset artifact → a Parquet dataset
// artifact (train/validation or combined + dataset_info.json), with lineage to
// the dataset and, when one was chosen, the base model whose template counted tokens.
import { randomUUID } from 'node:crypto';
import { emptySplitWarning } from './splitWarning';
import { TARGETS } from './targets';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConvertConfig } from '../../../../preload/contract/convert';
import type { JobDefinition } from '../../jobs/types';
import { loadTextSide } from '../../model/templateAndTokenizer';
import { artifactDir } from '../../project/layout';
import { nowIso } from '../../util/time';
import { convertDataset } from './convert';
import { withPixelLimits } from './pixelLimits';

type Config = z.output<typeof ConvertConfig>;

export const convertJob: JobDefinition<Config> = {
  kind: 'convert.run',
  step: 'convert',
  schema: ConvertConfig,
  title: (c) => `Convert to Parquet (${c.target}${c.name ? `, '${c.name}'` : ''})`,
  async run(ctx) {
    const c = ctx.config;
    const dataset = ctx.input(c.datasetArtifactId, 'dataset', ['dataset-json', 'trajectories'], 'an accepted dataset');
    const model = c.modelArtifactId ? ctx.input(c.modelArtifactId, 'template', ['base-model', 'merged-model'], 'a model folder') : null;
    const text = withPixelLimits(loadTextSide(model?.path ?? null), c);
    const name = c.name ?? `${dataset.name}-${c.target}`;
    const outDir = ctx.ownOutput(join(artifactDir(ctx.project.dir, 'dataset-parquet'), `${name}-${randomUUID().slice(0, 8)}`));
    ctx.log(
      'info',
      `converting ${dataset.path} → ${c.target} Parquet (history ${c.history}, labels ${c.labels}, template ${text.templateSource}${text.exact ? '' : ', estimated text tokens'})`,
    );
    const r = await convertDataset({
      source: dataset.path,
      outDir,
      settings: c,
      text,
      name,
      lineage: { datasetArtifactId: dataset.id, datasetSha256: dataset.sha256, modelArtifactId: model?.id ?? null, modelPath: model?.path ?? null },
      signal: ctx.signal,
      onProgress: (f, m) => ctx.progress(0.95 * f, m),
      onWarning: (m) => ctx.log('warn', m),
    });
    const i = r.info;
    const splitWarning = emptySplitWarning(i.counts, c.split.validation, c.split.by === 'ratio' ? [] : c.split.values, TARGETS[c.target].files);
    if (splitWarning) ctx.log('warn', splitWarning);
    ctx.metric('samples', 0, i.counts.samples);
    ctx.metric('train', 0, i.counts.train);
    ctx.metric('validation', 0, i.counts.validation);
    ctx.metric('over_length', 0, i.counts.overLength);
    ctx.metric('tokens_p95', 0, i.tokens.p95);
    const out = await ctx.addOutput({
      path: outDir,
      kind: 'dataset-parquet',
      name,
      meta: { target: c.target, history: c.history, labels: c.labels, counts: i.counts, tokens: i.tokens, files: i.files },
    });
    ctx.project.store.insertDataset({ id: randomUUID(), artifact_id: out.id, format: `parquet-${c.target}`, num_samples: i.counts.samples, filter_id: null, created_at: nowIso() });
    ctx.log('info', `${i.counts.samples} samples (${i.counts.train} train, ${i.counts.validation} validation) from ${i.counts.episodes} episodes → ${outDir}`);
    ctx.progress(1, `${i.counts.samples} samples`);
  },
};
