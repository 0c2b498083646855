// The RL handoff step's job: a merged model → a verl-agent GiGPO launch folder
// in the project (kind 'rl-launch'), with the model as its recorded input.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { RlHandoffConfig } from '../../../../preload/contract/rl';
import type { JobDefinition } from '../../jobs/types';
import { artifactDir, folderSlug } from '../../project/layout';
import { StudioError } from '../../util/errors';
import { nowIso } from '../../util/time';
import { writeLaunchFolder } from './gigpoLaunch';

export const rlHandoffJob: JobDefinition<z.output<typeof RlHandoffConfig>> = {
  kind: 'rl.handoff',
  step: 'rl',
  schema: RlHandoffConfig,
  title: (c) => `GiGPO launch folder (${c.game})`,
  async run(ctx) {
    const model = ctx.input(ctx.config.mergedArtifactId, 'model', ['merged-model']);
    if (!existsSync(join(model.path, 'config.json'))) throw new StudioError('bad_input', `${model.path} has no config.json; is the merged model still there?`);
    const name = ctx.config.name ?? `${model.name}-gigpo-${ctx.config.game}`;
    const outDir = ctx.ownOutput(join(artifactDir(ctx.project.dir, 'rl-launch'), `${folderSlug(name)}-${randomUUID().slice(0, 8)}`));
    ctx.log('info', `writing a GiGPO launch folder for ${model.path} (${ctx.config.game}, ${ctx.config.trainDataSize}×${ctx.config.groupSize} episodes per step)`);
    const r = await writeLaunchFolder({
      outDir,
      modelPath: model.path,
      modelName: model.name,
      config: ctx.config,
      createdAt: nowIso(),
      signal: ctx.signal,
      onProgress: (f, m) => ctx.progress(f, m),
    });
    await ctx.addOutput({
      path: r.outDir,
      kind: 'rl-launch',
      name,
      meta: { game: ctx.config.game, verlEnv: r.envName, model: model.id, modelPath: model.path, trainRows: r.trainRows, testRows: r.testRows },
    });
    ctx.progress(1, `${r.files.length} files in ${r.outDir}`);
    ctx.log('info', `launch folder ready: bash ${join(r.outDir, 'run_gigpo.sh')}`);
  },
};
