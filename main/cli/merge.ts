// `studio merge`: the Merge step without the UI. With --project the base and
// adapter are registered in that project and the merge is recorded with its lineage.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { mergeModel } from '../core/steps/merge/mergeModel';
import { inProject } from './inProject';

const gb = (n: number): string => `${(n / 1024 ** 3).toFixed(2)} GB`;

export async function runMerge(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      base: { type: 'string' },
      adapter: { type: 'string' },
      out: { type: 'string' },
      dtype: { type: 'string' },
      rounding: { type: 'string' },
      project: { type: 'string' },
    },
  });
  if (!values.base || !values.adapter || !values.out) throw new Error('--base, --adapter and --out are required');
  const outDtype = (values.dtype ?? 'bf16') as 'bf16' | 'keep';
  const rounding = (values.rounding ?? 'peft') as 'peft' | 'single';
  if (!['bf16', 'keep'].includes(outDtype)) throw new Error('--dtype must be bf16 or keep');
  if (!['peft', 'single'].includes(rounding)) throw new Error('--rounding must be peft or single');
  if (values.project) return mergeInProject(values.project, resolve(values.base), resolve(values.adapter), resolve(values.out), outDtype, rounding);

  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const started = Date.now();
  const r = await mergeModel({
    baseDir: values.base,
    adapterDir: values.adapter,
    outDir: values.out,
    outDtype,
    rounding,
    signal: ac.signal,
    onProgress: (p) => process.stderr.write(`\r${p.tensorsDone}/${p.tensorsTotal} tensors, ${gb(p.bytesDone)} of ${gb(p.bytesTotal)}   `),
  });
  process.stderr.write('\n');
  console.log(`merged ${r.mergedModules} modules into ${r.outDir} (${r.shards.length} shard(s), ${gb(r.totalBytes)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function mergeInProject(dir: string, base: string, adapter: string, out: string, outDtype: 'bf16' | 'keep', rounding: 'peft' | 'single'): Promise<void> {
  await inProject(dir, async ({ start, project, follow, outputOf }) => {
    const b = await follow((await start('artifact.import', { path: base, kind: 'base-model', mode: 'reference' })).id);
    const a = await follow((await start('artifact.import', { path: adapter, kind: 'adapter', mode: 'reference' })).id);
    const m = await follow((await start('merge.run', { baseArtifactId: outputOf(b.id), adapterArtifactId: outputOf(a.id), outDtype, rounding })).id);
    const merged = project.store.runOutputs(m.id)[0]!;
    const e = await follow((await start('merge.export', { artifactId: merged.id, dest: out, mode: 'link' })).id);
    console.log(`merged into the project (${merged.path}) and exported to ${out} [run ${e.id.slice(0, 8)}]`);
  });
}
