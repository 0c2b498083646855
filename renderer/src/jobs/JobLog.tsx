// A run's log: loaded once with jobs.get, then appended from run.log events;
// after a reconnect, the lines missed meanwhile are fetched with jobs.logs.
import { useEffect, useRef, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { RunLog } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useConnection, useStudioEvent } from '../api/hooks';

const LEVEL_COLOR: Record<RunLog['level'], string> = {
  debug: 'text.secondary',
  info: 'text.primary',
  warn: 'warning.main',
  error: 'error.main',
};

function merge(prev: RunLog[], more: RunLog[]): RunLog[] {
  const byId = new Map(prev.map((l) => [l.id, l]));
  for (const l of more) byId.set(l.id, l);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function JobLog({ runId, testId }: { runId: string; testId: string }) {
  const [lines, setLines] = useState<RunLog[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { epoch } = useConnection();
  const box = useRef<HTMLDivElement>(null);
  const lastId = useRef<number | null>(null);
  lastId.current = lines.length ? (lines[lines.length - 1]?.id ?? null) : null;

  // Subscribed before the fetch, so lines logged while it is in flight are kept.
  useStudioEvent('run.log', (l) => l.runId === runId && setLines((prev) => merge(prev, [l])));

  useEffect(() => {
    let live = true;
    studio.call('jobs.get', { runId }).then(
      (d) => {
        if (!live) return;
        setLines((prev) => merge(prev, d.logs));
        setLoaded(true);
      },
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [runId]);

  useEffect(() => {
    if (epoch === 0) return;
    const afterId = lastId.current;
    studio.call('jobs.logs', afterId === null ? { runId } : { runId, afterId }).then(
      (more) => setLines((prev) => merge(prev, more)),
      (err: unknown) => setError(errorText(err)),
    );
  }, [epoch, runId]);

  // Follow the tail unless the user scrolled up to read.
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 48) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <Box data-testid={testId} sx={{ mt: 1 }}>
      {error && (
        <Alert severity="error" sx={{ mb: 1 }}>
          {error}
        </Alert>
      )}
      <Box
        ref={box}
        role="log"
        aria-label="Run log"
        aria-live="polite"
        tabIndex={0}
        sx={{
          maxHeight: 220,
          overflow: 'auto',
          p: 1,
          borderRadius: 1,
          bgcolor: 'action.hover',
          fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
          fontSize: 12,
          lineHeight: 1.5,
        }}
      >
        {loaded && lines.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            No log lines yet.
          </Typography>
        )}
        {lines.map((l) => (
          <Box key={l.id} sx={{ color: LEVEL_COLOR[l.level], whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            <Box component="span" sx={{ color: 'text.secondary' }}>
              {new Date(l.time).toLocaleTimeString()}{' '}
            </Box>
            {l.level !== 'info' && <b>{l.level} </b>}
            {l.message}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
