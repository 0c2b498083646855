// Test job kinds with real behaviour (they run through the real runner).
import { z } from 'zod';
import type { JobDefinition } from '../../main/core/jobs/types';
import { CancelledError } from '../../main/core/util/errors';

/** Advances in ticks until done; honours cancellation between ticks. */
export const tickJob: JobDefinition<{ ticks: number; ms: number; failAt?: number }> = {
  kind: 'test.tick',
  step: 'rollout',
  schema: z.object({ ticks: z.number().int().positive(), ms: z.number().int().nonnegative(), failAt: z.number().int().optional() }),
  title: (c) => `tick ×${c.ticks}`,
  async run(ctx) {
    for (let i = 1; i <= ctx.config.ticks; i++) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ctx.config.ms);
        ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(new CancelledError())), { once: true });
      });
      if (ctx.config.failAt === i) throw new Error(`tick ${i} failed on purpose`);
      ctx.metric('tick', i, i * 10);
      ctx.log('info', `tick ${i}`);
      ctx.progress(i / ctx.config.ticks, `tick ${i}`);
    }
  },
};

/** Never finishes on its own: stands for a job the app died during. */
export const hangJob: JobDefinition<Record<string, never>> = {
  kind: 'test.hang',
  step: 'train',
  schema: z.object({}),
  title: () => 'hang',
  run: (ctx) => new Promise((_res, rej) => ctx.signal.addEventListener('abort', () => rej(new CancelledError()), { once: true })),
};
