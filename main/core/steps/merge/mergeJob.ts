// The "Merge & export" step's jobs: merge an adapter artifact into a base
// artifact (lineage recorded), and export a merged folder elsewhere.
import { randomUUID } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ExportMergedConfig, MergeRunConfig } from '../../../../preload/contract';
import type { z } from 'zod';
import { lineageOf } from '../../lineage/lineage';
import { artifactDir } from '../../project/layout';
import { StudioError } from '../../util/errors';
import { listFiles } from '../../util/hash';
import type { JobDefinition } from '../../jobs/types';
import type { LineageNode } from '../../../../preload/contract';
import { checkAdapterBase } from '../../models/checkBase';
import { mergeModel } from './mergeModel';
import { hubIdOfModel } from '../../lineage/hubId';

const gb = (n: number): string => `${(n / 1024 ** 3).toFixed(2)} GB`;

function lineageLines(node: LineageNode, depth = 0, out: string[] = []): string[] {
  const a = node.artifact;
  out.push(
    `${'  '.repeat(depth)}${a.kind} '${a.name}' (sha256 ${a.sha256?.slice(0, 12) ?? '?'}…)${node.producedBy ? ` ← ${node.producedBy.run.title} [${node.producedBy.run.id.slice(0, 8)}]` : ''}`,
  );
  for (const i of node.producedBy?.inputs ?? []) lineageLines(i, depth + 1, out);
  return out;
}

export const mergeRunJob: JobDefinition<z.output<typeof MergeRunConfig>> = {
  kind: 'merge.run',
  step: 'merge',
  schema: MergeRunConfig,
  title: (c) => `Merge ${c.name ?? 'adapter'} into base`,
  async run(ctx) {
    const base = ctx.input(ctx.config.baseArtifactId, 'base', ['base-model', 'merged-model'], 'a model folder');
    const adapter = ctx.input(ctx.config.adapterArtifactId, 'adapter', ['adapter'], 'an adapter');
    const checked = checkAdapterBase(ctx.project, base, adapter);
    if (checked.length) ctx.log('info', `the adapter fits the base: ${checked.join(', ')}`);
    const name = ctx.config.name ?? `${adapter.name}-merged`;
    const outDir = ctx.ownOutput(join(artifactDir(ctx.project.dir, 'merged-model'), `${name}-${randomUUID().slice(0, 8)}`));
    const lineage = [...lineageLines(lineageOf(ctx.project, adapter.id)), ...lineageLines(lineageOf(ctx.project, base.id))];
    ctx.log('info', `merging ${adapter.path} into ${base.path} (${ctx.config.outDtype}, ${ctx.config.rounding} rounding)`);
    let lastTensors = -1;
    const r = await mergeModel({
      baseDir: base.path,
      adapterDir: adapter.path,
      outDir,
      outDtype: ctx.config.outDtype,
      rounding: ctx.config.rounding,
      lineage,
      // Unknown here: mergeModel falls back to the cache layout and the adapter's recorded Hub id.
      baseModelId: hubIdOfModel(ctx.project, base)?.id,
      signal: ctx.signal,
      onProgress: (p) => {
        ctx.progress(p.bytesTotal ? (0.9 * p.bytesDone) / p.bytesTotal : 0, `${p.tensorsDone}/${p.tensorsTotal} tensors, ${gb(p.bytesDone)} of ${gb(p.bytesTotal)}`);
        if (p.tensorsDone !== lastTensors && p.tensorsDone % 50 === 0) ctx.log('debug', `${p.tensorsDone}/${p.tensorsTotal} tensors (${p.current})`);
        lastTensors = p.tensorsDone;
      },
    });
    ctx.progress(0.9, 'hashing the merged folder');
    ctx.metric('merged_modules', 0, r.mergedModules);
    ctx.metric('bytes_written', 0, r.totalBytes);
    await ctx.addOutput({
      path: r.outDir,
      kind: 'merged-model',
      name,
      meta: { shards: r.shards, outDtype: ctx.config.outDtype, rounding: ctx.config.rounding, base: base.id, adapter: adapter.id },
    });
    ctx.progress(1, `${r.shards.length} shard(s), ${gb(r.totalBytes)}`);
    ctx.log('info', `merged ${r.mergedModules} modules into ${r.outDir} (${r.directIo ? 'written with direct I/O' : 'written through the page cache'})`);
  },
};

export const exportMergedJob: JobDefinition<z.output<typeof ExportMergedConfig>> = {
  kind: 'merge.export',
  step: 'merge',
  schema: ExportMergedConfig,
  title: (c) => `Export merged model to ${c.dest}`,
  async run(ctx) {
    const src = ctx.input(ctx.config.artifactId, 'merged', ['merged-model']);
    const dest = resolve(ctx.config.dest);
    if (existsSync(dest)) throw new StudioError('exists', `${dest} already exists; choose a new folder`);
    const files = await listFiles(src.path);
    const total = files.reduce((s, f) => s + f.size, 0);
    ctx.ownOutput(dest);
    const tmp = `${dest}.partial-${randomUUID().slice(0, 8)}`;
    let done = 0;
    let linked = 0;
    try {
      for (const f of files) {
        ctx.throwIfCancelled();
        const to = join(tmp, f.rel);
        await mkdir(dirname(to), { recursive: true });
        // Hard links cost nothing on the same disk; elsewhere (or if asked) copy.
        if (ctx.config.mode === 'link') {
          try {
            await link(f.path, to);
            linked++;
          } catch {
            await copyFile(f.path, to);
          }
        } else await copyFile(f.path, to);
        done += f.size;
        ctx.progress(total ? done / total : 1, `${f.rel}`);
      }
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    // The job's summary line: what was exported where, not the last file copied.
    ctx.progress(1, `${files.length} files exported to ${dest}${linked ? ` (${linked} hard-linked)` : ''}`);
    ctx.log('info', `exported ${files.length} files to ${dest}${linked ? ` (${linked} hard-linked)` : ''}`);
    await ctx.addOutput({
      path: dest,
      kind: 'merged-model',
      name: `${src.name}-export`,
      sha256: src.sha256 ?? undefined,
      sizeBytes: total,
      meta: { exportedFrom: src.id, mode: ctx.config.mode },
    });
  },
};
