// Registers the finished outputs a killed process never registered, and writes
// into its log what the sweep at open removed and adopted. A folder a resume
// registered meanwhile is not registered again; a checkpoint goes to the training
// run whose folder it is in, a rollout's file to its rollout.
import { closeSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ARTIFACT_KINDS } from '../../../../preload/contract';
import type { TrajectoryStore } from '../../db/trajectories';
import { registerOnce } from '../../lineage/adopt';
import { adoptCheckpoint, checkpointGap, runOfFolder } from '../../steps/train/resumeRun';
import type { JobDefinition } from '../types';

const Config = z.object({
  removed: z.array(z.string()),
  orphans: z.array(z.object({ path: z.string(), kind: z.enum(ARTIFACT_KINDS) })),
});

/** The rollout a trajectories folder was written for: its first trajectory's, as the database has it. */
function rolloutOf(store: TrajectoryStore, dir: string): string | null {
  const fd = openSync(join(dir, 'trajectories.jsonl'), 'r');
  try {
    const buf = Buffer.alloc(200);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const id = /^\{"id":"([^"]+)"/.exec(buf.subarray(0, n).toString('utf8'))?.[1];
    return id ? (store.get(id)?.rollout_id ?? null) : null;
  } finally {
    closeSync(fd);
  }
}

export const recoverLeftoversJob: JobDefinition<z.output<typeof Config>> = {
  kind: 'project.recover',
  step: null,
  schema: Config,
  title: (c) => `Clean up after an interrupted session (${c.removed.length} partial removed, ${c.orphans.length} to register)`,
  async run(ctx) {
    for (const p of ctx.config.removed) ctx.log('info', `removed the partial output ${p}`);
    let i = 0;
    const trajectories = ctx.project.trajectories;
    for (const o of ctx.config.orphans) {
      ctx.throwIfCancelled();
      const trainRun = o.kind === 'adapter' ? runOfFolder(dirname(o.path)) : null;
      if (trainRun && ctx.project.store.getRun(trainRun) && !checkpointGap(o.path)) {
        const a = await adoptCheckpoint(ctx.project, trainRun, o.path);
        ctx.log(
          'info',
          a.adopted
            ? `registered the finished checkpoint ${o.path} (step ${a.step}) as run ${trainRun.slice(0, 8)}'s, which never recorded it (artifact ${a.artifactId})`
            : `${o.path} was registered meanwhile (artifact ${a.artifactId})`,
        );
      } else {
        const rolloutId = o.kind === 'trajectories' ? rolloutOf(trajectories, o.path) : null;
        // A rollout's file is its rollout run's output (the lineage of what is made from it starts there).
        const producer = rolloutId && ctx.project.store.getRun(rolloutId) ? rolloutId : ctx.runId;
        const r = await registerOnce(
          ctx.project,
          { path: o.path, kind: o.kind, name: `${basename(o.path)} (recovered)`, meta: { recovered: true, ...(rolloutId ? { rolloutId } : {}) } },
          producer,
          ctx.signal,
        );
        ctx.log(
          'info',
          r.existed
            ? `${o.path} was registered meanwhile (artifact ${r.artifact.id})`
            : `registered the finished ${o.kind} ${o.path} that its run never recorded (artifact ${r.artifact.id}${producer !== ctx.runId ? `; it was written for rollout run ${producer.slice(0, 8)}` : ''})`,
        );
      }
      ctx.progress(++i / ctx.config.orphans.length, basename(o.path));
    }
    if (!ctx.config.removed.length && !ctx.config.orphans.length) ctx.log('info', 'nothing to clean up');
  },
};
