// `studio evaluate --project DIR --config FILE`: Evaluate on a headless machine. The config is the Evaluate
// settings as JSON; `base` and `adapters` may be folders (registered in the project first, relative to the
// file) beside baseArtifactId / checkpoints ids. Prints one line per policy and the result folder.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeZodError, EvaluateConfig, type EvaluationResult } from '../../preload/contract';
import { inProject } from './inProject';
import { progressLine } from './print';

export const EVALUATE_HELP = `  studio evaluate --project DIR --config FILE.json [--resume EVALUATION_RUN_ID]
                                             play checkpoints (and the base, the expert) on the same levels with
                                             the native engine; FILE holds the Evaluate settings plus "base" and
                                             "adapters" folders (or baseArtifactId / checkpoints ids)`;

export async function runEvaluate(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { project: { type: 'string' }, config: { type: 'string' }, resume: { type: 'string' } } });
  if (!values.project || !values.config) throw new Error('--project and --config are required');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(values.config, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${values.config}: ${(err as Error).message}`);
  }
  await inProject(resolve(values.project), async ({ start, runner, project, follow, outputOf }) => {
    const register = async (path: unknown, kind: 'base-model' | 'adapter'): Promise<string> =>
      outputOf((await follow((await start('artifact.import', { path: resolve(values.config!, '..', String(path)), kind, mode: 'reference' })).id)).id);
    const { base, adapters, ...rest } = raw;
    const registered: string[] = [];
    for (const a of Array.isArray(adapters) ? adapters : []) registered.push(await register(a, 'adapter'));
    const cfg = {
      ...rest,
      baseArtifactId: rest.baseArtifactId ?? (base !== undefined ? await register(base, 'base-model') : undefined),
      checkpoints: [...(Array.isArray(rest.checkpoints) ? rest.checkpoints : []), ...registered],
      ...(values.resume ? { resumeEvaluationId: values.resume } : {}),
    };
    const parsed = EvaluateConfig.safeParse(cfg);
    if (!parsed.success) throw new Error(`${values.config}: ${describeZodError(parsed.error)}`);
    const run = await start('evaluate.run', parsed.data);
    await runner.idle();
    const s = runner.summary(run.id);
    process.stderr.write(`\r${progressLine(s)}\n`);
    if (s.status !== 'succeeded') throw new Error(s.error ?? `evaluation ${s.status}; resume with --resume ${values.resume ?? run.id}`);
    const out = project.store.runOutputs(run.id)[0]!;
    const result = (JSON.parse(out.meta_json) as { evaluation: EvaluationResult }).evaluation;
    console.log(`levels: ${result.overlap.note}`);
    for (const p of result.policies)
      console.log(
        `${p.key === result.best ? '* ' : '  '}${p.label}: success ${(p.successRate * 100).toFixed(1)} % (95 % CI ${(p.successLow * 100).toFixed(1)}–${(p.successHigh * 100).toFixed(1)}), return ${p.meanReturn.toFixed(2)}, invalid ${(p.invalidActionRate * 100).toFixed(1)} %, format-valid ${(p.formatValidRate * 100).toFixed(1)} %, ${p.meanTurns.toFixed(1)} turns${p.tokensPerS !== null ? `, ${p.tokensPerS.toFixed(1)} tokens/s` : ''}`,
      );
    console.log(`evaluation ${out.id}: ${resolve(project.dir, out.path)}`);
  });
}
