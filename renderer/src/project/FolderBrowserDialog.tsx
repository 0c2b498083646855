// The in-app folder browser for server mode, where the page cannot open the
// machine's own folder dialog. It walks folders on the core's machine through
// fs.listDirs and marks the ones that are studio projects.
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { DirListing } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { FolderIcon } from '../app/icons';
import { pathSegments } from './pathSegments';

interface Props {
  title: string;
  start?: string;
  onChoose: (path: string) => void;
  onClose: () => void;
}

export function FolderBrowserDialog({ title, start, onChoose, onClose }: Props) {
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // Shown by default: models live in dot-folders (~/.cache/huggingface/hub).
  const [hidden, setHidden] = useState(true);

  const go = (path: string | undefined, fallbackToHome = false, showHidden = hidden) => {
    setLoading(true);
    studio
      .call('fs.listDirs', path === undefined ? { hidden: showHidden } : { path, hidden: showHidden })
      .then((l) => {
        setListing(l);
        setError(null);
      })
      .catch((err: unknown) => {
        // A typed path that does not exist yet (a new project folder) is normal: start at home.
        if (fallbackToHome) go(undefined);
        else setError(errorText(err));
      })
      .finally(() => setLoading(false));
  };

  useEffect(() => {
    go(start, start !== undefined);
    // Only once, when the dialog opens.
  }, []);

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="folder-browser-title" data-testid="folder-browser">
      <DialogTitle id="folder-browser-title">{title}</DialogTitle>
      <DialogContent dividers sx={{ p: 0 }}>
        <Box sx={{ px: 2, py: 1, display: 'flex', alignItems: 'center', gap: 1 }}>
          <Button
            size="small"
            variant="outlined"
            disabled={!listing?.parent || loading}
            onClick={() => listing?.parent && go(listing.parent)}
            aria-label="Up to the parent folder"
            data-testid="folder-browser-up"
          >
            ↑ Up
          </Button>
          {listing && (
            <Breadcrumbs aria-label="Current folder" maxItems={6} separator="›" sx={{ minWidth: 0, '& ol': { flexWrap: 'wrap' } }}>
              {pathSegments(listing.path).map((seg, i, all) =>
                i === all.length - 1 ? (
                  <Typography key={seg.path} color="text.primary" sx={{ fontWeight: 600 }} aria-current="location">
                    {seg.name}
                  </Typography>
                ) : (
                  <Link key={seg.path} component="button" type="button" underline="hover" color="inherit" onClick={() => go(seg.path)}>
                    {seg.name}
                  </Link>
                ),
              )}
            </Breadcrumbs>
          )}
          {listing?.isProject && <Chip size="small" color="secondary" label="studio project" />}
          <FormControlLabel
            sx={{ ml: 'auto', flexShrink: 0 }}
            control={
              <Checkbox
                size="small"
                checked={hidden}
                data-testid="folder-browser-hidden"
                onChange={(e) => {
                  setHidden(e.target.checked);
                  go(listing?.path, false, e.target.checked);
                }}
              />
            }
            label="Hidden folders"
          />
        </Box>
        <Box sx={{ height: 4 }}>{loading && <LinearProgress aria-label="Loading folders" />}</Box>
        {error && (
          <Alert severity="error" sx={{ mx: 2, my: 1 }}>
            {error}
          </Alert>
        )}
        <List dense sx={{ height: 320, overflow: 'auto', borderTop: 1, borderColor: 'divider' }} aria-label="Subfolders">
          {listing && listing.dirs.length === 0 && (
            <Typography sx={{ px: 2, py: 1 }} color="text.secondary">
              No subfolders here.
            </Typography>
          )}
          {listing?.dirs.map((d) => (
            <ListItemButton key={d.path} onClick={() => go(d.path)} onDoubleClick={() => onChoose(d.path)}>
              <ListItemIcon sx={{ minWidth: 36 }}>
                <FolderIcon fontSize="small" color={d.isProject ? 'secondary' : 'action'} />
              </ListItemIcon>
              <ListItemText primary={d.name} />
              {d.isProject && <Chip size="small" color="secondary" variant="outlined" label="project" />}
            </ListItemButton>
          ))}
        </List>
      </DialogContent>
      <DialogActions>
        <Typography variant="body2" color="text.secondary" sx={{ flex: 1, px: 1, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {listing?.path}
        </Typography>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={!listing || loading} onClick={() => listing && onChoose(listing.path)} data-testid="folder-browser-choose">
          Choose this folder
        </Button>
      </DialogActions>
    </Dialog>
  );
}
