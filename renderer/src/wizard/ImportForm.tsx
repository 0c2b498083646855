// Registers an existing file or folder as an artifact of one of this step's
// input kinds, by starting an artifact.import job (hashing can take a while).
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import type { ArtifactKind, StepInfo } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useShell } from '../shared/ShellContext';
import { FolderField } from '../project/FolderField';

export function ImportForm({ step }: { step: StepInfo }) {
  const shell = useShell();
  const kinds = step.inputs.map((i) => i.kind);
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<ArtifactKind | undefined>(kinds[0]);
  const [copy, setCopy] = useState(false);
  const [hubId, setHubId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);

  if (!kind) return null;
  const isModel = kind === 'base-model' || kind === 'merged-model';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStarted(null);
    studio
      .call('jobs.start', {
        kind: 'artifact.import',
        step: step.id,
        config: { path: path.trim(), kind, mode: copy ? 'copy' : 'reference', ...(isModel && hubId.trim() ? { hubId: hubId.trim() } : {}) },
      })
      .then((run) => {
        setStarted(`Started “${run.title}”; follow it in the Jobs panel.`);
        shell.openJobs();
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      <FolderField
        id={`import-path-${step.id}`}
        label="File or folder to import"
        value={path}
        onChange={setPath}
        testId="import-path-input"
        browseTitle="Choose a folder to import"
        onError={setError}
        helperText="An absolute path on the machine running the studio core."
      />
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        <TextField
          select
          id={`import-kind-${step.id}`}
          label="Import as"
          value={kind}
          onChange={(e) => setKind(e.target.value as ArtifactKind)}
          size="small"
          sx={{ minWidth: 220 }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'import-kind-select' } }}
        >
          {step.inputs.map((i) => (
            <option key={i.kind} value={i.kind}>
              {i.label} ({i.kind})
            </option>
          ))}
        </TextField>
        <FormControlLabel
          control={<Checkbox checked={copy} onChange={(e) => setCopy(e.target.checked)} />}
          label="Copy into the project (otherwise it is referenced where it is)"
        />
      </Box>
      {isModel && (
        <TextField
          id={`import-hub-id-${step.id}`}
          label="Its id on the Hugging Face Hub (optional)"
          size="small"
          value={hubId}
          onChange={(e) => setHubId(e.target.value)}
          helperText="e.g. Qwen/Qwen3-VL-4B-Instruct. Read from the folder when it sits in a Hugging Face cache; otherwise adapters trained on it name it by this id when uploaded."
          slotProps={{ htmlInput: { 'data-testid': 'import-hub-id-input', spellCheck: false } }}
        />
      )}
      {error && (
        <Alert severity="error" data-testid="import-error" onClose={() => setError(null)} sx={{ wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      {started && (
        <Alert severity="success" onClose={() => setStarted(null)}>
          {started}
        </Alert>
      )}
      <Box>
        <Button type="submit" variant="contained" disabled={busy} data-testid="import-submit">
          Import
        </Button>
      </Box>
    </Box>
  );
}
