// One run: title, status, progress with elapsed and ETA (ticking locally while
// it runs), its message, Cancel, the error of a failed run and its log.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { RunSummary } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { formatDuration, formatTime, shortId } from '../util/format';
import { JobLog } from './JobLog';
import { STATUS_COLOR, STATUS_LABEL, isActive } from './runStatus';
import type { LiveRun } from './useRuns';
import { useNow } from './useNow';

interface Props {
  live: LiveRun;
  /** 'job' in the jobs panel; another prefix where the same run is shown twice. */
  testIdPrefix: string;
  /** Compact rows (in a step page) leave out the log. */
  compact?: boolean;
  onChanged: (run: RunSummary) => void;
}

function elapsedOf(run: RunSummary, receivedAt: number, now: number): number | null {
  const running = run.status === 'running';
  if (run.elapsedMs !== null) return run.elapsedMs + (running ? now - receivedAt : 0);
  if (running && run.startedAt) return now - Date.parse(run.startedAt);
  return null;
}

export function JobRow({ live, testIdPrefix, compact, onChanged }: Props) {
  const { run, receivedAt } = live;
  const running = run.status === 'running';
  const now = useNow(running);
  const [showLog, setShowLog] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const t = (part: string) => `${testIdPrefix}-${part}-${run.id}`;

  // A run that succeeded is complete, whatever its last progress report said.
  const percent = run.status === 'succeeded' ? 100 : Math.round(run.progress * 100);
  const elapsed = elapsedOf(run, receivedAt, now);
  const eta = running && run.etaMs !== null ? Math.max(0, run.etaMs - (now - receivedAt)) : null;

  const cancel = () => {
    setCancelling(true);
    setError(null);
    studio
      .call('jobs.cancel', { runId: run.id })
      .then(onChanged, (err: unknown) => setError(errorText(err)))
      .finally(() => setCancelling(false));
  };

  const timing = [
    elapsed !== null ? `elapsed ${formatDuration(elapsed)}` : null,
    eta !== null ? `ETA ${formatDuration(eta)}` : null,
    isActive(run.status) ? `${percent} %` : run.finishedAt ? `finished ${formatTime(run.finishedAt)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Box data-testid={`${testIdPrefix}-${run.id}`} data-status={run.status} component="li" sx={{ listStyle: 'none', py: 1.25, px: 1.5, borderBottom: 1, borderColor: 'divider' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography
          variant="body2"
          sx={{ fontWeight: 600, flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
          title={`${run.title} (run ${run.id})`}
        >
          {run.title}
        </Typography>
        <Chip size="small" label={STATUS_LABEL[run.status]} color={STATUS_COLOR[run.status]} variant={running ? 'filled' : 'outlined'} />
      </Box>
      <LinearProgress
        variant="determinate"
        value={percent}
        data-testid={t('progress')}
        aria-label={`Progress of ${run.title}`}
        color={run.status === 'failed' ? 'error' : run.status === 'succeeded' ? 'success' : 'primary'}
        sx={{ my: 0.75, height: 6, borderRadius: 3 }}
      />
      <Typography variant="caption" color="text.secondary" component="div">
        {run.kind} · run {shortId(run.id)}
        {timing ? ` · ${timing}` : ''}
      </Typography>
      {run.progressMessage && (
        <Typography variant="caption" component="div" sx={{ wordBreak: 'break-word' }}>
          {run.progressMessage}
        </Typography>
      )}
      {run.error && (
        <Alert severity={run.status === 'failed' ? 'error' : 'warning'} data-testid={t('error')} sx={{ mt: 0.75, py: 0, wordBreak: 'break-word' }}>
          {run.error}
        </Alert>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 0.75, py: 0 }}>
          {error}
        </Alert>
      )}
      {(!compact || isActive(run.status)) && (
        <Box sx={{ display: 'flex', gap: 1, mt: 0.5 }}>
          {isActive(run.status) && (
            <Button size="small" color="warning" onClick={cancel} disabled={cancelling} data-testid={t('cancel')} aria-label={`Cancel ${run.title}`}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </Button>
          )}
          {!compact && (
            <Button size="small" onClick={() => setShowLog((v) => !v)} aria-expanded={showLog} data-testid={t('log-toggle')}>
              {showLog ? 'Hide log' : 'Show log'}
            </Button>
          )}
        </Box>
      )}
      {showLog && <JobLog runId={run.id} testId={t('log')} />}
    </Box>
  );
}
