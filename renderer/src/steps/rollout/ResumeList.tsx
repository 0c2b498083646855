// Rollouts that stopped before the end (cancelled, failed, interrupted) can be
// resumed: finished trajectories are kept and only the rest is played.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type { z } from 'zod';
import type { RolloutConfig } from '../../../../preload/contract';
import { studio } from '../../api/client';
import { useStudioEvent, useStudioQuery } from '../../api/hooks';
import { useStartJob } from '../../wizard/useStartJob';

export function ResumeList() {
  const runs = useStudioQuery('jobs.list', { step: 'rollout', limit: 50 });
  useStudioEvent('run.updated', (r) => r.step === 'rollout' && r.status !== 'running' && runs.reload());
  const { busy, start } = useStartJob();
  const stopped = (runs.data ?? []).filter((r) => r.kind === 'rollout.run' && ['paused', 'cancelled', 'failed', 'interrupted'].includes(r.status));
  if (!stopped.length) return null;
  const resume = async (runId: string): Promise<void> => {
    const detail = await studio.call('jobs.get', { runId });
    // The stored config is what the run was started with, minus the API key (never stored).
    const cfg = detail.config as z.input<typeof RolloutConfig>;
    if (cfg.policy?.type === 'openai' && cfg.policy.apiKey === '(redacted)') delete cfg.policy.apiKey;
    start({ kind: 'rollout.run', step: 'rollout', config: { ...cfg, resumeRolloutId: cfg.resumeRolloutId ?? runId } });
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Typography variant="subtitle2">Stopped rollouts</Typography>
      {stopped.map((r) => (
        <Box key={r.id} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <Typography variant="body2" sx={{ flex: 1 }}>
            {r.title} — {r.status}, {Math.round(r.progress * 100)} % done
          </Typography>
          <Button size="small" variant="outlined" disabled={busy} onClick={() => void resume(r.id)} data-testid={`rollout-resume-${r.id}`}>
            Resume
          </Button>
        </Box>
      ))}
    </Box>
  );
}
