// Re-hashes every artifact and compares with what the database recorded, so a
// user can tell whether a dataset or checkpoint changed on disk since it was made.
import { existsSync } from 'node:fs';
import { VerifyArtifactsConfig } from '../../../../preload/contract';
import type { z } from 'zod';
import { toArtifact } from '../../lineage/artifacts';
import { StudioError } from '../../util/errors';
import { hashPath } from '../../util/hash';
import type { JobDefinition } from '../types';

type Config = z.output<typeof VerifyArtifactsConfig>;

export const verifyArtifactsJob: JobDefinition<Config> = {
  kind: 'project.verify',
  step: null,
  schema: VerifyArtifactsConfig,
  title: () => 'Verify artifacts',
  async run(ctx) {
    const rows = ctx.project.store.listArtifacts(ctx.config.kinds);
    const artifacts = rows.map((r) => toArtifact(ctx.project, r));
    const total = artifacts.reduce((s, a) => s + a.sizeBytes, 0);
    let base = 0;
    const problems: string[] = [];
    for (const a of artifacts) {
      ctx.throwIfCancelled();
      if (!existsSync(a.path)) {
        problems.push(`${a.name}: missing (${a.path})`);
      } else {
        const h = await hashPath(a.path, { signal: ctx.signal, onBytes: (d) => ctx.progress(total ? (base + d) / total : 1, a.name) });
        if (a.sha256 && h.sha256 !== a.sha256) problems.push(`${a.name}: changed on disk (sha256 ${h.sha256.slice(0, 12)}…, recorded ${a.sha256.slice(0, 12)}…)`);
      }
      base += a.sizeBytes;
    }
    for (const p of problems) ctx.log('warn', p);
    ctx.metric('artifacts_checked', 0, artifacts.length);
    ctx.metric('artifacts_with_problems', 0, problems.length);
    ctx.progress(1, `${artifacts.length} checked`);
    if (problems.length) throw new StudioError('verify_failed', `${problems.length} of ${artifacts.length} artifacts changed or missing: ${problems.join('; ')}`);
    ctx.log('info', `all ${artifacts.length} artifacts match their recorded sha256`);
  },
};
