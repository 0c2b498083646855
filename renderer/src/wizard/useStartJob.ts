// Starting a job from a form: the job checked with the contract's schema first (nothing is sent
// while a field is refused), busy while the request is in flight, the core's error message on
// failure (validation errors reworded), fieldErrors by config path either way so the form can
// highlight them, and the Jobs panel opened on success.
import { useState } from 'react';
import type { Params } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { parseFieldErrors } from '../api/fieldErrors';
import { useShell } from '../shared/ShellContext';
import { checkJob } from './checkJob';

export function useStartJob() {
  const shell = useShell();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const start = (params: Params<'jobs.start'>): void => {
    setError(null);
    setFieldErrors({});
    const checked = checkJob(params);
    if (!checked.ok) {
      setError(checked.message);
      setFieldErrors(Object.fromEntries(checked.fields.map((f) => [f.path, f.message])));
      return;
    }
    setBusy(true);
    studio
      .call('jobs.start', params)
      .then(() => shell.openJobs())
      .catch((err: unknown) => {
        setError(errorText(err));
        const fields = parseFieldErrors(err instanceof Error ? err.message : String(err)) ?? [];
        setFieldErrors(Object.fromEntries(fields.map((f) => [f.path, f.message])));
      })
      .finally(() => setBusy(false));
  };
  /** A form's own check refused a field (before anything is sent): marked and said as the core's refusals are. */
  const refuse = (path: string, label: string, message: string): void => {
    setFieldErrors({ [path]: message });
    setError(`Check this field: ${label}: ${message}.`);
  };
  return { busy, error, setError, fieldErrors, start, refuse };
}
