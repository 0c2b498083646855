// Runs of the open project, kept live: fetched with jobs.list, then updated by
// run.updated events. Newest first.
import { useMemo, useState, useEffect } from 'react';
import type { RunSummary, StepId } from '../../../preload/contract';
import { useStudioEvent, useStudioQuery } from '../api/hooks';
import { isActive } from './runStatus';

/** A summary plus when we received it, so elapsed/ETA can tick locally. */
export interface LiveRun {
  run: RunSummary;
  receivedAt: number;
}

export function useRuns(opts: { step?: StepId; enabled?: boolean; key?: unknown } = {}) {
  const query = useStudioQuery('jobs.list', opts.step ? { step: opts.step } : {}, { enabled: opts.enabled, key: opts.key });
  const [byId, setById] = useState<Map<string, LiveRun>>(new Map());

  // A fresh list replaces what we had (after a reconnect it is the truth),
  // except that a finished run never goes back to running: an event may have
  // overtaken the list's answer.
  useEffect(() => {
    if (!query.data) return;
    const now = Date.now();
    setById((prev) => {
      const next = new Map<string, LiveRun>();
      for (const run of query.data ?? []) {
        const known = prev.get(run.id);
        next.set(run.id, known && !isActive(known.run.status) && isActive(run.status) ? known : { run, receivedAt: now });
      }
      return next;
    });
  }, [query.data]);

  const upsert = (run: RunSummary) => {
    if (opts.step && run.step !== opts.step) return;
    setById((prev) => new Map(prev).set(run.id, { run, receivedAt: Date.now() }));
  };
  useStudioEvent('run.updated', (run) => {
    if (opts.enabled !== false) upsert(run);
  });

  const runs = useMemo(() => [...byId.values()].sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt) || b.run.id.localeCompare(a.run.id)), [byId]);
  return { runs, error: query.error, loading: query.loading && !query.data, reload: query.reload, upsert };
}
