// Registers an existing file or folder as an artifact of the project: hashed
// where it is (reference) or copied into artifacts/ (copy), with byte progress.
import { randomUUID } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { ImportArtifactConfig } from '../../../../preload/contract';
import type { z } from 'zod';
import { artifactDir } from '../../project/layout';
import { hashPath, listFiles } from '../../util/hash';
import type { JobDefinition } from '../types';
import { checkImportShape } from './importChecks';
import { hubIdFromCachePath } from '../../lineage/hubId';
import { StudioError } from '../../util/errors';

type Config = z.output<typeof ImportArtifactConfig>;

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export const importArtifactJob: JobDefinition<Config> = {
  kind: 'artifact.import',
  step: null,
  schema: ImportArtifactConfig,
  title: (c) => `Import ${c.kind}: ${c.name ?? basename(c.path)}`,
  async run(ctx) {
    const src = resolve(ctx.config.path);
    checkImportShape(src, ctx.config.kind);
    const isModel = ctx.config.kind === 'base-model' || ctx.config.kind === 'merged-model';
    if (ctx.config.hubId && !isModel) throw new StudioError('bad_input', `a Hub id belongs to a base or merged model, not a ${ctx.config.kind}`);
    // Remembered here: a copy leaves the Hugging Face cache layout the id is read from.
    const fromCache = isModel ? hubIdFromCachePath(src) : null;
    const hub = ctx.config.hubId ? { hubId: ctx.config.hubId, hubIdSource: 'user' } : fromCache ? { hubId: fromCache, hubIdSource: 'hf-cache' } : {};
    if (ctx.config.hubId && fromCache && fromCache !== ctx.config.hubId)
      ctx.log('warn', `${src} is the cached ${fromCache}, but the Hub id given is ${ctx.config.hubId}; using the one given`);
    const name = ctx.config.name ?? (fromCache && basename(src).length === 40 ? fromCache.split('/').pop()! : basename(src));
    const files = await listFiles(src);
    const total = files.reduce((s, f) => s + f.size, 0);
    ctx.log('info', `${ctx.config.mode === 'copy' ? 'copying' : 'hashing'} ${files.length} file(s), ${formatBytes(total)} from ${src}`);
    const dest = ctx.config.mode === 'copy' ? ctx.ownOutput(join(artifactDir(ctx.project.dir, ctx.config.kind), `${name}-${randomUUID().slice(0, 8)}`)) : null;
    const result = await hashPath(src, {
      signal: ctx.signal,
      copyTo: dest ?? undefined,
      onBytes: (done) => ctx.progress(total === 0 ? 1 : done / total, `${formatBytes(done)} of ${formatBytes(total)}`),
    });
    const artifact = await ctx.addOutput({
      path: dest ?? src,
      kind: ctx.config.kind,
      name,
      sha256: result.sha256,
      sizeBytes: result.sizeBytes,
      meta: { importedFrom: src, files: result.files, mode: ctx.config.mode, ...hub },
    });
    ctx.progress(1, `${formatBytes(total)} done`);
    ctx.log('info', `registered ${artifact.kind} '${artifact.name}' sha256 ${result.sha256.slice(0, 12)}…`);
    if ('hubId' in hub)
      ctx.log('info', `Hub id ${hub.hubId} (${hub.hubIdSource === 'user' ? 'as given' : 'from the Hugging Face cache layout'}): adapters trained on it name it so`);
    else if (isModel) ctx.log('info', 'no Hub id known for this model folder: an adapter trained on it is uploaded only once you give one (Upload asks)');
  },
};
