// Export: put a merged folder where vLLM / transformers / verl will read it
// (hard links on the same disk, a copy elsewhere).
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import { useStartJob } from '../../wizard/useStartJob';
import { FolderField } from '../../project/FolderField';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';

export function ExportForm() {
  const merged = useArtifacts(['merged-model']).artifacts.filter((a) => a.inProject);
  const [artifact, setArtifact] = useState('');
  const [dest, setDest] = useState('');
  const [copy, setCopy] = useState(false);
  const { busy, error, setError, start } = useStartJob();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({ kind: 'merge.export', step: 'merge', config: { artifactId: artifact, dest: dest.trim(), mode: copy ? 'copy' : 'link' } });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <ArtifactSelect id="export-merged" label="Merged model" artifacts={merged} value={artifact} onChange={setArtifact} testId="export-artifact-select" />
      <FolderField
        id="export-dest"
        label="Export to (a new folder)"
        value={dest}
        onChange={setDest}
        testId="export-dest-input"
        browseTitle="Choose where to export"
        onError={setError}
      />
      <FormControlLabel control={<Checkbox checked={copy} onChange={(e) => setCopy(e.target.checked)} />} label="Always copy (otherwise hard-link when on the same disk)" />
      {error && (
        <Alert severity="error" data-testid="export-error" sx={{ wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box>
        <Button type="submit" variant="outlined" disabled={busy || !artifact || !dest.trim()} data-testid="export-submit">
          Export
        </Button>
      </Box>
    </Box>
  );
}
