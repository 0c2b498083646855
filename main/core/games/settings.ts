// Settings for any game: zod schemas with defaults, errors a user can read.
import type { z } from 'zod';
import { describeZodError } from '../../../preload/contract';
import { StudioError } from '../util/errors';

export function parseSettingsWith<T>(schema: z.ZodType<T>, raw: unknown, gameId: string): T {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  throw new StudioError('invalid_settings', `${gameId} settings: ${describeZodError(r.error, '(settings)')}`);
}
