// A selectable list of artifacts; the selected one shows its path and, on
// request, its lineage.
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { Artifact } from '../../../preload/contract';
import { formatBytes, formatTime, shortId, shortSha } from '../util/format';
import { LineageView } from './LineageView';

interface Props {
  artifacts: Artifact[];
  label: string;
}

export function ArtifactList({ artifacts, label }: Props) {
  const [selected, setSelected] = useState<string | null>(null);
  const [lineageOf, setLineageOf] = useState<string | null>(null);
  const current = artifacts.find((a) => a.id === selected) ?? null;

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
                  <Box component="span" sx={{ fontWeight: 600 }}>{a.name}</Box>
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
