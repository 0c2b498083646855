// A form's job checked with the contract's own schema (JobStart) before it is sent: the fields the
// schema refuses, by their config path and in the words the core's refusals get (api/fieldErrors),
// so a form marks them with fieldError() whichever side said no.
import { JobStart, type Params } from '../../../preload/contract';
import { describeFields, fieldErrorOf, type FieldError } from '../api/fieldErrors';

export type JobCheck = { ok: true } | { ok: false; message: string; fields: FieldError[] };

export function checkJob(params: Params<'jobs.start'>): JobCheck {
  const r = JobStart.safeParse(params);
  if (r.success) return { ok: true };
  const fields = r.error.issues.map((i) => fieldErrorOf(i.path.length ? i.path.join('.') : '(root)', i.message));
  return { ok: false, message: describeFields(fields), fields };
}
