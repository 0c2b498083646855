// Settings for any game: zod schemas with defaults, errors a user can read.
import type { z } from 'zod';
import { StudioError } from '../../util/errors';

export function parseSettingsWith<T>(schema: z.ZodType<T>, raw: unknown, gameId: string): T {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(settings)'}: ${i.message}`);
  throw new StudioError('invalid_settings', `${gameId} settings: ${issues.join('; ')}`);
}
