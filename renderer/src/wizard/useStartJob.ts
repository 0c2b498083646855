// Starting a job from a form: busy while the request is in flight, the core's
// error message on failure, and the Jobs panel opened on success.
import { useState } from 'react';
import type { Params } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useShell } from '../app/ShellContext';

export function useStartJob() {
  const shell = useShell();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = (params: Params<'jobs.start'>): void => {
    setBusy(true);
    setError(null);
    studio
      .call('jobs.start', params)
      .then(() => shell.openJobs())
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };
  return { busy, error, setError, start };
}
