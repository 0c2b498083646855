// Launch folders in this project. "Launch" runs run_gigpo.sh here; where verl
// is not installed the job fails with a message saying so and where the folder is.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { formatTime } from '../../util/format';

export function RlLaunchList() {
  const { artifacts, error: listError } = useArtifacts(['rl-launch']);
  const { busy, error, start } = useStartJob();
  if (listError) return <Alert severity="error">{listError}</Alert>;
  if (!artifacts.length)
    return (
      <Typography variant="body2" color="text.secondary" data-testid="rl-launch-empty">
        No launch folders yet: write one above.
      </Typography>
    );
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <List dense disablePadding aria-label="Launch folders" data-testid="rl-launch-list" sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
        {artifacts.map((a) => (
          <ListItem
            key={a.id}
            divider
            data-testid={`rl-launch-${a.id}`}
            secondaryAction={
              <Button
                size="small"
                variant="outlined"
                disabled={busy}
                data-testid={`rl-launch-run-${a.id}`}
                onClick={() => start({ kind: 'rl.launch', step: 'rl', config: { launchArtifactId: a.id } })}
              >
                Launch
              </Button>
            }
          >
            <ListItemText
              primary={
                <Box component="span" sx={{ fontWeight: 600 }}>
                  {a.name}
                </Box>
              }
              secondary={
                <>
                  <code style={{ wordBreak: 'break-all' }}>{a.path}</code>
                  <br />
                  {formatTime(a.createdAt)}
                </>
              }
              sx={{ pr: 10 }}
            />
          </ListItem>
        ))}
      </List>
      {error && (
        <Alert severity="error" data-testid="rl-launch-error" sx={{ wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
