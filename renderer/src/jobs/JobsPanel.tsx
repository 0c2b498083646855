// The jobs panel beside the main area: every run of the open project, live.
// It does not cover the page, so steps stay usable while jobs run.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import { errorText, studio } from '../api/client';
import { useProject } from '../shared/AppContext';
import { JobRow } from './JobRow';
import { useRuns } from './useRuns';

export function JobsPanel({ onClose }: { onClose: () => void }) {
  const project = useProject();
  const hasProject = project !== null;
  const { runs, error, loading, upsert } = useRuns({ enabled: hasProject, key: project?.id });
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const verify = () => {
    setStarting(true);
    setStartError(null);
    studio
      .call('jobs.start', { kind: 'project.verify', config: {} })
      .then(upsert, (err: unknown) => setStartError(errorText(err)))
      .finally(() => setStarting(false));
  };

  return (
    <Box
      component="aside"
      aria-labelledby="jobs-panel-title"
      data-testid="jobs-panel"
      sx={{
        width: { xs: 320, lg: 380 },
        flexShrink: 0,
        borderLeft: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
        display: 'flex',
        flexDirection: 'column',
        minHeight: 0,
      }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1.5, py: 1, borderBottom: 1, borderColor: 'divider' }}>
        <Typography id="jobs-panel-title" variant="subtitle1" component="h2" sx={{ fontWeight: 600, flex: 1 }}>
          Jobs
        </Typography>
        <Button
          size="small"
          variant="outlined"
          onClick={verify}
          disabled={!hasProject || starting}
          data-testid="start-verify"
          title="Re-hash every artifact and report any that changed or went missing"
        >
          Verify artifacts
        </Button>
        <IconButton size="small" onClick={onClose} aria-label="Close the jobs panel (Alt+J)">
          <span aria-hidden style={{ fontSize: 18, lineHeight: 1, width: 20 }}>
            ×
          </span>
        </IconButton>
      </Box>
      {startError && (
        <Alert severity="error" onClose={() => setStartError(null)} sx={{ m: 1 }}>
          {startError}
        </Alert>
      )}
      <Box sx={{ flex: 1, overflow: 'auto' }}>
        {!hasProject ? (
          <Typography color="text.secondary" sx={{ p: 2 }}>
            Open a project to see its jobs.
          </Typography>
        ) : error ? (
          <Alert severity="error" sx={{ m: 1 }}>
            {error}
          </Alert>
        ) : loading ? (
          <Box sx={{ p: 2, display: 'flex', gap: 1, alignItems: 'center' }}>
            <CircularProgress size={18} />
            <Typography color="text.secondary">Loading jobs…</Typography>
          </Box>
        ) : runs.length === 0 ? (
          <Typography color="text.secondary" sx={{ p: 2 }}>
            No jobs yet. Imports, verification and, later, each step's runs appear here as they start.
          </Typography>
        ) : (
          <Box component="ul" sx={{ m: 0, p: 0 }} aria-label="Runs, newest first">
            {runs.map((live) => (
              <JobRow key={live.run.id} live={live} testIdPrefix="job" onChanged={upsert} />
            ))}
          </Box>
        )}
      </Box>
    </Box>
  );
}
