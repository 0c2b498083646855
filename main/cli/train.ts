// `studio train --project DIR --config FILE`: the Train step on a headless
// machine. The config is the Train step's settings as JSON; `base` and
// `dataset` may be folders (registered in the project first) instead of ids.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeZodError, TrainConfig } from '../../preload/contract';
import { inProject } from './inProject';
import { progressLine } from './print';

export const TRAIN_HELP = `  studio train --project DIR --config FILE.json [--resume CHECKPOINT_ID]
                                             LoRA SFT in the native engine; FILE holds the Train settings plus
                                             "base" / "dataset" folders (or baseArtifactId / datasetArtifactId)`;

export async function runTrain(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { project: { type: 'string' }, config: { type: 'string' }, resume: { type: 'string' } } });
  if (!values.project || !values.config) throw new Error('--project and --config are required');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${values.config}: ${(err as Error).message}`);
  }
  await inProject(resolve(values.project), async ({ runner, project, follow, outputOf }) => {
    const register = async (path: unknown, kind: 'base-model' | 'dataset-parquet'): Promise<string> =>
      outputOf((await follow(runner.start('artifact.import', { path: resolve(values.config!, '..', String(path)), kind, mode: 'reference' }).id)).id);
    const { base, dataset, ...rest } = raw;
    const cfg = {
      ...rest,
      baseArtifactId: rest.baseArtifactId ?? (base !== undefined ? await register(base, 'base-model') : undefined),
      datasetArtifactId: rest.datasetArtifactId ?? (dataset !== undefined ? await register(dataset, 'dataset-parquet') : undefined),
      ...(values.resume ? { resumeFrom: values.resume } : {}),
    };
    const parsed = TrainConfig.safeParse(cfg);
    if (!parsed.success) throw new Error(`${values.config}: ${describeZodError(parsed.error)}`);
    const run = runner.start('train.run', parsed.data);
    await runner.idle();
    const s = runner.summary(run.id);
    process.stderr.write(`\r${progressLine(s)}\n`);
    const outs = project.store.runOutputs(run.id);
    for (const o of outs) console.log(`checkpoint ${o.id}: ${resolve(project.dir, o.path)}`);
    if (s.status !== 'succeeded') throw new Error(s.error ?? `training ${s.status}${outs.length ? `; resume with --resume ${outs[outs.length - 1]!.id}` : ''}`);
  });
}
