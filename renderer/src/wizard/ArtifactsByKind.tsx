// Artifacts grouped under one heading per kind, with an honest note for kinds
// that have none yet. Used for a step's inputs and its outputs.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ArtifactKind } from '../../../preload/contract';
import { ArtifactList } from './ArtifactList';
import { useArtifacts } from '../shared/ArtifactsContext';

export interface KindGroup {
  kind: ArtifactKind;
  label: string;
  required?: boolean;
  /** What to say when there are none. */
  emptyText: string;
}

export function ArtifactsByKind({ groups }: { groups: KindGroup[] }) {
  const { artifacts, error, loading } = useArtifacts(groups.map((g) => g.kind));
  if (error) return <Alert severity="error">{error}</Alert>;
  if (loading) return <CircularProgress size={20} aria-label="Loading artifacts" />;
  return (
    <Stack spacing={2}>
      {groups.map((g) => {
        const ofKind = artifacts.filter((a) => a.kind === g.kind);
        return (
          <Box key={g.kind}>
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.75 }}>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {g.label}
              </Typography>
              <Chip size="small" label={g.kind} variant="outlined" />
              {g.required !== undefined && (
                <Typography variant="caption" color="text.secondary">
                  {g.required ? 'required' : 'optional'}
                </Typography>
              )}
            </Box>
            {ofKind.length ? (
              <ArtifactList artifacts={ofKind} label={g.label} />
            ) : (
              <Typography variant="body2" color="text.secondary">
                {g.emptyText}
              </Typography>
            )}
          </Box>
        );
      })}
    </Stack>
  );
}
