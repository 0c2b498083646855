// A selectable list of artifacts; the selected one shows its path and, on
// request, its lineage.
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { Artifact } from '../../../preload/contract';
import { formatBytes, formatTime, shortId, shortSha } from '../util/format';
import { LineageView } from './LineageView';
import { errorText, studio } from '../api/client';
import { notifyArtifactsChanged } from '../shared/ArtifactsContext';

interface Props {
  artifacts: Artifact[];
  label: string;
}

export function ArtifactList({ artifacts, label }: Props) {
  const [selected, setSelected] = useState<string | null>(null);
  const [lineageOf, setLineageOf] = useState<string | null>(null);
  const current = artifacts.find((a) => a.id === selected) ?? null;
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rename = (a: Artifact, name: string) => {
    studio.call('artifacts.rename', { artifactId: a.id, name }).then(
      () => {
        setRenaming(null);
        setError(null);
        notifyArtifactsChanged();
      },
      (err: unknown) => setError(errorText(err)),
    );
  };
  const remove = (a: Artifact) => {
    setConfirmDelete(false);
    studio.call('artifacts.delete', { artifactId: a.id }).then(
      () => {
        setSelected(null);
        setError(null);
        notifyArtifactsChanged();
      },
      (err: unknown) => setError(errorText(err)),
    );
  };

  return (
    <Box>
      <List dense disablePadding aria-label={label} sx={{ border: 1, borderColor: 'divider', borderRadius: 1 }}>
        {artifacts.map((a) => (
          <ListItemButton
            key={a.id}
            selected={a.id === selected}
            aria-pressed={a.id === selected}
            onClick={() => setSelected(a.id === selected ? null : a.id)}
            data-testid={`artifact-${a.id}`}
            divider
          >
            <ListItemText
              primary={
                <Box component="span" sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
                  <Box component="span" sx={{ fontWeight: 600 }}>
                    {a.name}
                  </Box>
                  <Chip size="small" variant="outlined" label={a.inProject ? 'in project' : 'referenced'} />
                </Box>
              }
              secondary={
                <>
                  {formatBytes(a.sizeBytes)} · sha256 <code>{shortSha(a.sha256)}</code> · {formatTime(a.createdAt)}
                  {a.producedByRunId && ` · from run ${shortId(a.producedByRunId)}`}
                </>
              }
            />
          </ListItemButton>
        ))}
      </List>
      {current && (
        <Box sx={{ mt: 1, p: 1.5, borderRadius: 1, bgcolor: 'action.hover' }} aria-live="polite">
          <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
            <b>Path:</b> <code>{current.path}</code>
          </Typography>
          {current.sha256 && (
            <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
              <b>sha256:</b> <code>{current.sha256}</code>
            </Typography>
          )}
          {renaming !== null ? (
            <Box
              component="form"
              sx={{ display: 'flex', gap: 1, mt: 1, alignItems: 'flex-start' }}
              onSubmit={(e) => {
                e.preventDefault();
                rename(current, renaming);
              }}
            >
              <TextField
                size="small"
                label="Name"
                value={renaming}
                autoFocus
                onChange={(e) => setRenaming(e.target.value)}
                sx={{ flex: 1 }}
                slotProps={{ htmlInput: { 'data-testid': 'artifact-rename-input' } }}
              />
              <Button type="submit" variant="contained" size="small" sx={{ height: 40 }} disabled={!renaming.trim()} data-testid="artifact-rename-save">
                Save
              </Button>
              <Button size="small" sx={{ height: 40 }} onClick={() => setRenaming(null)}>
                Cancel
              </Button>
            </Box>
          ) : null}
          {error && (
            <Alert severity="error" sx={{ mt: 1, wordBreak: 'break-word' }} onClose={() => setError(null)} data-testid="artifact-error">
              {error}
            </Alert>
          )}
          <Box sx={{ mt: 1, display: 'flex', gap: 1, flexWrap: 'wrap' }}>
            <Button size="small" variant="outlined" onClick={() => setRenaming(current.name)} data-testid={`rename-${current.id}`}>
              Rename
            </Button>
            <Button size="small" variant="outlined" color="error" onClick={() => setConfirmDelete(true)} data-testid={`delete-${current.id}`}>
              Delete
            </Button>
          </Box>
          <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)}>
            <DialogTitle>Delete “{current.name}”?</DialogTitle>
            <DialogContent>
              <Typography variant="body2">
                {current.inProject
                  ? `Its files in the project (${formatBytes(current.sizeBytes)}) are removed.`
                  : `It is forgotten by this project; its files at ${current.path} stay where they are.`}
              </Typography>
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirmDelete(false)}>Cancel</Button>
              <Button color="error" variant="contained" onClick={() => remove(current)} data-testid="artifact-delete-confirm">
                Delete
              </Button>
            </DialogActions>
          </Dialog>
          <Box sx={{ mt: 1 }}>
            {lineageOf === current.id ? (
              <LineageView artifactId={current.id} />
            ) : (
              <Button size="small" variant="outlined" onClick={() => setLineageOf(current.id)} data-testid={`show-lineage-${current.id}`}>
                Show lineage
              </Button>
            )}
          </Box>
        </Box>
      )}
    </Box>
  );
}
