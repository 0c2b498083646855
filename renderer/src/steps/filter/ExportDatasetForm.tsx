// Export the accepted set (rules + decisions) as a dataset folder.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import type { FilterRules } from '../../../../preload/contract';
import { useStartJob } from '../../wizard/useStartJob';

export function ExportDatasetForm({ rules, accepted }: { rules: FilterRules; accepted: number }) {
  const { busy, error, start } = useStartJob();
  const [name, setName] = useState('accepted');
  const [format, setFormat] = useState<'jsonl' | 'arlarena'>('jsonl');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({ kind: 'review.export', step: 'filter', config: { name: name.trim(), rules, format } });
  };
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <TextField label="Dataset name" size="small" value={name} onChange={(e) => setName(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'export-name-input' } }} />
      <TextField
        select
        label="Format"
        size="small"
        value={format}
        onChange={(e) => setFormat(e.target.value as 'jsonl' | 'arlarena')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'export-format-select' } }}
      >
        <option value="jsonl">Studio JSONL (every turn with its frame)</option>
        <option value="arlarena">ARLArena JSON (for the old notebook)</option>
      </TextField>
      <Button type="submit" variant="contained" disabled={busy || accepted === 0 || !name.trim()} data-testid="export-dataset-submit">
        Export {accepted} accepted
      </Button>
      {error && (
        <Alert severity="error" sx={{ flexBasis: '100%', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
