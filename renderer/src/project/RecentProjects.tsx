// Recently opened projects, newest first, each one click away; "forget"
// removes an entry from the list (the folder itself is not touched).
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { RecentProject } from '../../../preload/contract';
import { formatTime } from '../util/format';

interface Props {
  recents: RecentProject[];
  busy: boolean;
  onOpen: (dir: string) => void;
  onForget: (dir: string) => void;
}

export function RecentProjects({ recents, busy, onOpen, onForget }: Props) {
  if (recents.length === 0) {
    return <Typography color="text.secondary">No recent projects yet. Create one or open an existing project folder.</Typography>;
  }
  return (
    <List disablePadding aria-label="Recent projects">
      {recents.map((r, i) => (
        <ListItem
          key={r.dir}
          disablePadding
          secondaryAction={
            <Tooltip title="Forget (the folder stays on disk)">
              <IconButton edge="end" aria-label={`Forget ${r.name} from the recent list`} onClick={() => onForget(r.dir)} data-testid={`forget-recent-${i}`} disabled={busy}>
                <span aria-hidden style={{ fontSize: 18, lineHeight: 1, width: 24 }}>
                  ×
                </span>
              </IconButton>
            </Tooltip>
          }
        >
          <ListItemButton onClick={() => onOpen(r.dir)} disabled={busy} data-testid={`recent-project-${i}`}>
            <ListItemText
              primary={r.name}
              secondary={
                <>
                  <span style={{ wordBreak: 'break-all' }}>{r.dir}</span>
                  {` · opened ${formatTime(r.openedAt)}`}
                </>
              }
            />
          </ListItemButton>
        </ListItem>
      ))}
    </List>
  );
}
