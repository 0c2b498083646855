// The runs that belong to one step (jobs.list({step})), live.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { StepId } from '../../../preload/contract';
import { JobRow } from '../jobs/JobRow';
import { useRuns } from '../jobs/useRuns';

export function StepJobs({ step }: { step: StepId }) {
  const { runs, error, loading, upsert } = useRuns({ step });
  if (error) return <Alert severity="error">{error}</Alert>;
  if (loading) return null;
  if (runs.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        No jobs for this step yet.
      </Typography>
    );
  return (
    <Box component="ul" sx={{ m: 0, p: 0, border: 1, borderColor: 'divider', borderRadius: 1 }} aria-label="Jobs of this step">
      {runs.map((live) => (
        // A different test-id prefix: the same run may also be in the jobs panel.
        <JobRow key={live.run.id} live={live} testIdPrefix="step-job" compact onChanged={upsert} />
      ))}
    </Box>
  );
}
