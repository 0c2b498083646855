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
                                             "base" / "dataset" folders (or baseArtifactId / datasetArtifactId)
  studio train --project DIR --resume-run RUN_ID [--config FILE.json]
                                             continue a stopped run from its newest complete checkpoint
                                             (with the run's own settings unless FILE is given)`;

export async function runTrain(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { project: { type: 'string' }, config: { type: 'string' }, resume: { type: 'string' }, 'resume-run': { type: 'string' } } });
  const resumeRun = values['resume-run'];
  if (!values.project || (!values.config && !resumeRun)) throw new Error('--project and --config (or --resume-run) are required');
  let raw: Record<string, unknown> = {};
  if (values.config) {
    try {
      raw = JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${values.config}: ${(err as Error).message}`);
    }
  }
  await inProject(resolve(values.project), async ({ start, runner, project, follow, outputOf }) => {
    if (resumeRun) {
      // The run's own settings unless a file is given; the job picks its newest complete checkpoint.
      const row = project.store.getRun(resumeRun);
      if (!row || row.kind !== 'train.run') throw new Error(`no training run ${resumeRun} in ${project.dir} (studio jobs lists them)`);
      if (!values.config) {
        const { resumeFrom: _from, ...stored } = JSON.parse(row.config_json) as Record<string, unknown>;
        raw = stored;
      }
    }
    const register = async (path: unknown, kind: 'base-model' | 'dataset-parquet'): Promise<string> =>
      outputOf((await follow((await start('artifact.import', { path: resolve(values.config!, '..', String(path)), kind, mode: 'reference' })).id)).id);
    const { base, dataset, ...rest } = raw;
    const cfg = {
      ...rest,
      baseArtifactId: rest.baseArtifactId ?? (base !== undefined ? await register(base, 'base-model') : undefined),
      datasetArtifactId: rest.datasetArtifactId ?? (dataset !== undefined ? await register(dataset, 'dataset-parquet') : undefined),
      ...(values.resume ? { resumeFrom: values.resume } : {}),
      ...(resumeRun ? { resumeRunId: resumeRun } : {}),
    };
    const parsed = TrainConfig.safeParse(cfg);
    if (!parsed.success) throw new Error(`${values.config ?? `run ${resumeRun}`}: ${describeZodError(parsed.error)}`);
    const run = await start('train.run', parsed.data);
    await runner.idle();
    const s = runner.summary(run.id);
    process.stderr.write(`\r${progressLine(s)}\n`);
    const outs = project.store.runOutputs(run.id);
    for (const o of outs) console.log(`checkpoint ${o.id}: ${resolve(project.dir, o.path)}`);
    if (s.status !== 'succeeded') throw new Error(s.error ?? `training ${s.status}; resume with --resume-run ${run.id}`);
  });
}
