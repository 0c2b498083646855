// Uploads recorded in this project, newest as the core lists them; refetched
// when a run finishes, since an upload job records its commit on success.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useStudioEvent, useStudioQuery } from '../../api/hooks';
import { formatBytes, formatTime } from '../../util/format';

export function UploadList() {
  const uploads = useStudioQuery('hub.uploads', {});
  useStudioEvent('run.updated', (run) => {
    if (run.status === 'succeeded') uploads.reload();
  });
  if (uploads.error) return <Alert severity="error">{uploads.error}</Alert>;
  if (!uploads.data) return null;
  if (!uploads.data.length)
    return (
      <Typography variant="body2" color="text.secondary" data-testid="upload-list-empty">
        Nothing uploaded from this project yet.
      </Typography>
    );
  return (
    <List dense disablePadding aria-label="Uploads" data-testid="upload-list" sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
      {uploads.data.map((u) => (
        <ListItem key={u.id} divider data-testid={`upload-${u.id}`}>
          <ListItemText
            primary={
              <Box component="span" sx={{ fontWeight: 600 }}>
                {u.repo}{' '}
                <Typography component="span" variant="caption" color="text.secondary">
                  ({u.private ? 'private' : 'public'})
                </Typography>
              </Box>
            }
            secondary={
              <>
                <Link href={u.commitUrl} target="_blank" rel="noreferrer" data-testid={`upload-link-${u.id}`} sx={{ wordBreak: 'break-all' }}>
                  {u.commitUrl}
                </Link>
                <br />
                {u.files} files, {formatBytes(u.bytes)} · {formatTime(u.createdAt)}
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
