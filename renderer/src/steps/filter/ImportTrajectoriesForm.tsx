// Import trajectory files users already have (ARLArena's JSON): a file, or a
// folder of them. Broken episodes are listed in the job's log by file and path.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { FolderField } from '../../project/FolderField';
import { useStartJob } from '../../wizard/useStartJob';

export function ImportTrajectoriesForm() {
  const { busy, error, setError, start } = useStartJob();
  const [path, setPath] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({ kind: 'rollout.import', step: 'filter', config: { paths: [path.trim()], game: 'sokoban' } });
  };
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <FolderField
        id="import-trajectories"
        label="ARLArena trajectory file or folder (high_score_multiturn_texts_seed*.json)"
        value={path}
        onChange={setPath}
        testId="import-trajectories-path"
        browseTitle="Choose a folder of trajectory files"
        onError={setError}
      />
      {error && (
        <Alert severity="error" sx={{ wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box>
        <Button type="submit" variant="outlined" disabled={busy || !path.trim()} data-testid="import-trajectories-submit">
          Import trajectories
        </Button>
      </Box>
    </Box>
  );
}
