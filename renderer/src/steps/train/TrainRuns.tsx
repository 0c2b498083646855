// The runs of this step: pick one to chart; a running one can be paused (it
// stops after the current step and saves a checkpoint); stopped runs
// (paused/cancelled, failed, interrupted) resume from their newest complete checkpoint.
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { Params } from '../../../../preload/contract';
import { studio } from '../../api/client';
import { useStudioEvent, useStudioQuery } from '../../api/hooks';
import { useStartJob } from '../../wizard/useStartJob';
import { TrainCharts } from './TrainCharts';

type Config = Extract<Params<'jobs.start'>, { kind: 'train.run' }>['config'];

export function TrainRuns() {
  const runs = useStudioQuery('jobs.list', { step: 'train', limit: 50 });
  useStudioEvent('run.updated', (r) => r.step === 'train' && r.status !== 'running' && runs.reload());
  useStudioEvent('run.updated', (r) => r.step === 'train' && r.kind === 'train.run' && !(runs.data ?? []).some((x) => x.id === r.id) && runs.reload());
  const train = (runs.data ?? []).filter((r) => r.kind === 'train.run');
  const [chosen, setChosen] = useState<string>('');
  // A newly started run (the newest) is the one to watch; the user can pick another.
  const newest = train[0]?.id;
  useEffect(() => {
    if (newest) setChosen(newest);
  }, [newest]);
  const { busy, error, start } = useStartJob();
  // The job picks the run's newest complete checkpoint (adopting one a kill left unregistered, skipping
  // half-written ones) or fails saying why there is none: the same resume as `studio train --resume-run`.
  const resume = async (runId: string): Promise<void> => {
    const d = await studio.call('jobs.get', { runId });
    const { resumeFrom: _from, ...cfg } = d.config as Config;
    start({ kind: 'train.run', step: 'train', config: { ...cfg, resumeRunId: runId } });
  };
  if (!train.length) return null;
  const current = train.find((r) => r.id === chosen);
  return (
    <Box sx={{ display: 'grid', gap: 1.5 }}>
      <TextField
        select
        label="Run"
        size="small"
        value={chosen}
        onChange={(e) => setChosen(e.target.value)}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-run-select' }, inputLabel: { shrink: true } }}
      >
        {train.map((r) => (
          <option key={r.id} value={r.id}>
            {r.title} — {r.status}
          </option>
        ))}
      </TextField>
      {current && current.status === 'running' && (
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <Typography variant="body2" sx={{ flex: 1 }}>
            Pausing stops after the current step and saves a checkpoint to resume from.
          </Typography>
          <Button size="small" variant="outlined" onClick={() => void studio.call('jobs.pause', { runId: current.id })} data-testid="train-pause">
            Pause
          </Button>
        </Box>
      )}
      {current && ['paused', 'cancelled', 'failed', 'interrupted'].includes(current.status) && (
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <Typography variant="body2" sx={{ flex: 1 }}>
            This run stopped; it continues from its newest complete checkpoint.
          </Typography>
          <Button size="small" variant="outlined" disabled={busy} onClick={() => void resume(current.id)} data-testid="train-resume">
            Resume
          </Button>
        </Box>
      )}
      {error && (
        <Typography color="error" variant="body2">
          {error}
        </Typography>
      )}
      {chosen && <TrainCharts runId={chosen} />}
    </Box>
  );
}
