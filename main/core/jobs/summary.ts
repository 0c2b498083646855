// A run row as the renderer sees it, with elapsed time and a simple ETA.
import type { RunSummary } from '../../../preload/contract';
import type { RunRow } from '../db/store';

export function toRunSummary(r: RunRow, now = Date.now()): RunSummary {
  const started = r.started_at ? Date.parse(r.started_at) : null;
  const finished = r.finished_at ? Date.parse(r.finished_at) : null;
  const elapsedMs = started === null ? null : Math.max(0, (finished ?? now) - started);
  const progress = Math.min(1, Math.max(0, r.progress));
  // Linear extrapolation; only once there is enough progress to mean something.
  const etaMs = r.status === 'running' && elapsedMs !== null && progress >= 0.01 && progress < 1 ? Math.round((elapsedMs * (1 - progress)) / progress) : null;
  return {
    id: r.id,
    kind: r.kind,
    step: r.step,
    title: r.title,
    status: r.status,
    progress,
    progressMessage: r.progress_message,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    elapsedMs,
    etaMs,
  };
}
