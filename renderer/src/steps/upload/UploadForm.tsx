// Upload: an adapter checkpoint or a merged model → a model repo on the hub the
// user signed in to (private and created when missing, unless unticked).
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { useArtifacts } from '../../wizard/useArtifacts';
import { useStartJob } from '../../wizard/useStartJob';

export function UploadForm({ signedIn }: { signedIn: boolean }) {
  const artifacts = useArtifacts(['adapter', 'merged-model']).artifacts;
  const [artifact, setArtifact] = useState('');
  const [repo, setRepo] = useState('');
  const [isPrivate, setPrivate] = useState(true);
  const [create, setCreate] = useState(true);
  const [message, setMessage] = useState('');
  const { busy, error, start } = useStartJob();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({
      kind: 'upload.run',
      step: 'upload',
      config: { artifactId: artifact, repo: repo.trim(), private: isPrivate, create, ...(message.trim() ? { commitMessage: message.trim() } : {}) },
    });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 1.5 }}>
      <ArtifactSelect id="upload-artifact" label="Adapter or merged model" artifacts={artifacts} value={artifact} onChange={setArtifact} testId="upload-artifact-select" />
      <TextField id="upload-repo" label="Repo (name or namespace/name)" size="small" value={repo} onChange={(e) => setRepo(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'upload-repo-input', spellCheck: false } }} />
      <TextField id="upload-message" label="Commit message (optional)" size="small" value={message} onChange={(e) => setMessage(e.target.value)}
        sx={{ gridColumn: '1 / -1' }} slotProps={{ htmlInput: { 'data-testid': 'upload-message-input', maxLength: 500 } }} />
      <Box sx={{ gridColumn: '1 / -1', display: 'flex', flexWrap: 'wrap', columnGap: 2 }}>
        <FormControlLabel label="Private repo"
          control={<Checkbox checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} slotProps={{ input: { 'data-testid': 'upload-private-checkbox' } as object }} />} />
        <FormControlLabel label="Create the repo if it does not exist"
          control={<Checkbox checked={create} onChange={(e) => setCreate(e.target.checked)} slotProps={{ input: { 'data-testid': 'upload-create-checkbox' } as object }} />} />
      </Box>
      {!signedIn && <Alert severity="info" data-testid="upload-needs-signin" sx={{ gridColumn: '1 / -1' }}>Sign in above to upload.</Alert>}
      {error && <Alert severity="error" data-testid="upload-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>{error}</Alert>}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="contained" disabled={busy || !signedIn || !artifact || !repo.trim()} data-testid="upload-submit">
          Upload
        </Button>
      </Box>
    </Box>
  );
}
