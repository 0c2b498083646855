// Shown until the first answers from the core arrive, or why they did not.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { DisconnectedBanner } from './DisconnectedBanner';

export function StartupScreen({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <DisconnectedBanner />
      <Box sx={{ flex: 1, display: 'grid', placeItems: 'center', p: 4 }}>
        {error ? (
          <Alert
            severity="error"
            action={
              <Button color="inherit" onClick={onRetry}>
                Retry
              </Button>
            }
            sx={{ maxWidth: 640 }}
          >
            {error}
          </Alert>
        ) : (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }} role="status">
            <CircularProgress size={24} />
            <Typography>Connecting to the studio core…</Typography>
          </Box>
        )}
      </Box>
    </Box>
  );
}
