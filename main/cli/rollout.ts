// `studio rollout --project DIR --config FILE`: the Rollout step on a headless
// machine, e.g. evaluating a local ONNX export on a GPU box. The config is the
// Rollout settings as JSON; an ONNX policy's modelDir is relative to the file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeZodError, RolloutConfig } from '../../preload/contract';
import { inProject } from './inProject';

export const ROLLOUT_HELP = `  studio rollout --project DIR --config FILE.json
                                             play a game: FILE holds the Rollout settings (policy expert, openai
                                             or onnx with its modelDir); prints the trajectories folder and win rate`;

export async function runRollout(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { project: { type: 'string' }, config: { type: 'string' } } });
  if (!values.project || !values.config) throw new Error('--project and --config are required');
  let raw: { policy?: { type?: string; modelDir?: string } } & Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(values.config, 'utf8')) as typeof raw;
  } catch (err) {
    throw new Error(`${values.config}: ${(err as Error).message}`);
  }
  if (raw.policy?.type === 'onnx' && typeof raw.policy.modelDir === 'string') raw.policy.modelDir = resolve(dirname(values.config), raw.policy.modelDir);
  await inProject(resolve(values.project), async ({ start, project, follow }) => {
    const parsed = RolloutConfig.safeParse(raw);
    if (!parsed.success) throw new Error(`${values.config}: ${describeZodError(parsed.error)}`);
    const run = await start('rollout.run', parsed.data);
    await follow(run.id);
    const metric = (name: string) => project.store.listMetrics(run.id).find((m) => m.name === name)?.value;
    const out = project.store.runOutputs(run.id)[0];
    if (out) console.log(`trajectories ${out.id}: ${resolve(project.dir, out.path)}`);
    console.log(
      `success rate ${((metric('success_rate') ?? 0) * 100).toFixed(1)} % over ${metric('trajectories') ?? 0} trajectories${metric('tokens_per_s_total') ? `, ${metric('tokens_per_s_total')!.toFixed(1)} tokens/s` : ''}`,
    );
  });
}
