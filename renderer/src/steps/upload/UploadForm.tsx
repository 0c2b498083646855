// Upload: an adapter checkpoint or a merged model → a model repo on the hub the
// user signed in to (private and created when missing, unless unticked).
import { useEffect, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { studio } from '../../api/client';
import { fieldError } from '../../wizard/fieldError';

interface BaseInfo {
  hubId: string | null;
  baseName: string | null;
}

export function UploadForm({ signedIn }: { signedIn: boolean }) {
  const artifacts = useArtifacts(['adapter', 'merged-model']).artifacts;
  const [artifact, setArtifact] = useState('');
  const [repo, setRepo] = useState('');
  const [isPrivate, setPrivate] = useState(true);
  const [create, setCreate] = useState(true);
  const [message, setMessage] = useState('');
  const [base, setBase] = useState<BaseInfo | null>(null);
  const [baseId, setBaseId] = useState('');
  const { busy, error, fieldErrors, start } = useStartJob();
  const err = (path: string, helper?: string) => fieldError(fieldErrors, path, helper);
  const chosen = artifacts.find((a) => a.id === artifact);
  // An adapter names its base by Hub id in what is uploaded; when the project does not know it, ask first.
  useEffect(() => {
    setBase(null);
    setBaseId('');
    if (!artifact) return;
    let live = true;
    studio.call('artifacts.baseModelId', { artifactId: artifact }).then(
      (b) => live && setBase(b),
      () => live && setBase(null),
    );
    return () => {
      live = false;
    };
  }, [artifact]);
  const askBase = chosen?.kind === 'adapter' && base !== null && base.hubId === null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({
      kind: 'upload.run',
      step: 'upload',
      config: {
        artifactId: artifact,
        repo: repo.trim(),
        private: isPrivate,
        create,
        ...(message.trim() ? { commitMessage: message.trim() } : {}),
        ...(baseId.trim() ? { baseModelId: baseId.trim() } : {}),
      },
    });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 1.5 }}>
      <ArtifactSelect
        id="upload-artifact"
        label="Adapter or merged model"
        artifacts={artifacts}
        value={artifact}
        onChange={setArtifact}
        testId="upload-artifact-select"
        error={fieldErrors.artifactId}
      />
      <TextField
        id="upload-repo"
        label="Repo (name or namespace/name)"
        size="small"
        value={repo}
        onChange={(e) => setRepo(e.target.value)}
        {...err('repo')}
        slotProps={{ htmlInput: { 'data-testid': 'upload-repo-input', spellCheck: false } }}
      />
      {askBase && (
        <TextField
          id="upload-base-id"
          label="Base model on the Hub"
          size="small"
          value={baseId}
          onChange={(e) => setBaseId(e.target.value)}
          required
          sx={{ gridColumn: '1 / -1' }}
          {...err(
            'baseModelId',
            `The project does not know the Hub id of ${base?.baseName ? `'${base.baseName}'` : 'this adapter’s base'}; the uploaded adapter_config.json names it by this id (e.g. Qwen/Qwen3-VL-4B-Instruct), never by its local folder.`,
          )}
          slotProps={{ htmlInput: { 'data-testid': 'upload-base-id-input', spellCheck: false } }}
        />
      )}
      {chosen?.kind === 'adapter' && base?.hubId && (
        <Alert severity="info" data-testid="upload-base-id" sx={{ gridColumn: '1 / -1' }}>
          Base model: {base.hubId}
        </Alert>
      )}
      <TextField
        id="upload-message"
        label="Commit message (optional)"
        size="small"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
        sx={{ gridColumn: '1 / -1' }}
        {...err('commitMessage')}
        slotProps={{ htmlInput: { 'data-testid': 'upload-message-input', maxLength: 500 } }}
      />
      <Box sx={{ gridColumn: '1 / -1', display: 'flex', flexWrap: 'wrap', columnGap: 2 }}>
        <FormControlLabel
          label="Private repo"
          control={<Checkbox checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} slotProps={{ input: { 'data-testid': 'upload-private-checkbox' } as object }} />}
        />
        <FormControlLabel
          label="Create the repo if it does not exist"
          control={<Checkbox checked={create} onChange={(e) => setCreate(e.target.checked)} slotProps={{ input: { 'data-testid': 'upload-create-checkbox' } as object }} />}
        />
      </Box>
      {!signedIn && (
        <Alert severity="info" data-testid="upload-needs-signin" sx={{ gridColumn: '1 / -1' }}>
          Sign in above to upload.
        </Alert>
      )}
      {error && (
        <Alert severity="error" data-testid="upload-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="contained" disabled={busy || !signedIn || !artifact || !repo.trim() || (askBase && !baseId.trim())} data-testid="upload-submit">
          Upload
        </Button>
      </Box>
    </Box>
  );
}
