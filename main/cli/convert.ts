// `studio convert`: the Convert step without the UI. Without --project it
// writes the Parquet folder to --out; with --project the dataset (and model)
// are registered there and the conversion is a job with its lineage.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConvertSettings, describeZodError } from '../../preload/contract';
import { loadTextSide } from '../core/model/templateAndTokenizer';
import { convertDataset } from '../core/steps/convert/convert';
import { inProject } from './inProject';

export const CONVERT_HELP = `  studio convert --dataset P (--out DIR | --project DIR) [--target trl|arlarena|verl] [--history turn|full|last-k] [--k N]
                 [--labels assistant|all] [--validation 0.05] [--split-by ratio|game|seed] [--split-values a,b] [--seed N]
                 [--max-tokens N] [--keep-over-length] [--model DIR] [--name NAME]
                                             convert an accepted dataset (JSONL or ARLArena JSON) to Parquet`;

export async function runConvert(args: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args,
    options: {
      dataset: { type: 'string' },
      out: { type: 'string' },
      project: { type: 'string' },
      target: { type: 'string' },
      history: { type: 'string' },
      k: { type: 'string' },
      labels: { type: 'string' },
      validation: { type: 'string' },
      'split-by': { type: 'string' },
      'split-values': { type: 'string' },
      seed: { type: 'string' },
      'max-tokens': { type: 'string' },
      'keep-over-length': { type: 'boolean' },
      model: { type: 'string' },
      name: { type: 'string' },
    },
  });
  if (!v.dataset) throw new Error('--dataset is required (a trajectories.jsonl, an ARLArena .json, or a folder of them)');
  if (!v.out && !v.project) throw new Error('--out DIR or --project DIR is required');
  const num = (flag: string, x: string | undefined): number | undefined => {
    if (x === undefined) return undefined;
    const n = Number(x);
    if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got ${JSON.stringify(x)}`);
    return n;
  };
  const parsed = ConvertSettings.safeParse({
    target: v.target,
    history: v.history,
    historyTurns: num('k', v.k),
    labels: v.labels,
    split: { by: v['split-by'], validation: num('validation', v.validation), values: v['split-values']?.split(',').filter(Boolean), seed: num('seed', v.seed) },
    maxTokens: num('max-tokens', v['max-tokens']),
    overLength: v['keep-over-length'] ? 'keep' : undefined,
  });
  if (!parsed.success) throw new Error(describeZodError(parsed.error, 'settings'));
  const settings = parsed.data;
  if (v.project) return convertInProject(resolve(v.project), resolve(v.dataset), v.model ? resolve(v.model) : null, settings, v.name);

  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const started = Date.now();
  const r = await convertDataset({
    source: resolve(v.dataset),
    outDir: resolve(v.out!),
    settings,
    text: loadTextSide(v.model ? resolve(v.model) : null),
    name: v.name ?? 'dataset',
    signal: ac.signal,
    onProgress: (f, m) => process.stderr.write(`\r${Math.round(f * 100)}% ${m}   `),
    onWarning: (m) => process.stderr.write(`\nwarning: ${m}\n`),
  });
  process.stderr.write('\n');
  const c = r.info.counts;
  console.log(`${c.samples} samples (${c.train} train, ${c.validation} validation) from ${c.episodes} episodes → ${r.outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function convertInProject(dir: string, dataset: string, model: string | null, settings: ReturnType<typeof ConvertSettings.parse>, name?: string): Promise<void> {
  await inProject(dir, async ({ start, project, follow, outputOf }) => {
    const d = await follow((await start('artifact.import', { path: dataset, kind: 'dataset-json', mode: 'reference' })).id);
    const m = model ? await follow((await start('artifact.import', { path: model, kind: 'base-model', mode: 'reference' })).id) : null;
    const c = await follow((await start('convert.run', { ...settings, datasetArtifactId: outputOf(d.id), modelArtifactId: m ? outputOf(m.id) : undefined, name })).id);
    const out = project.store.runOutputs(c.id)[0]!;
    console.log(`converted into the project: ${resolve(project.dir, out.path)} [run ${c.id.slice(0, 8)}]`);
  });
}
