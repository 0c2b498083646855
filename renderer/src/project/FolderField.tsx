// A folder path text field with a "Browse…" button: the native dialog where the
// shell has one (Electron), otherwise the in-app folder browser (server mode).
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { errorText, studio } from '../api/client';
import { useStudioApp } from '../shared/AppContext';
import { FolderBrowserDialog } from './FolderBrowserDialog';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (path: string) => void;
  testId: string;
  browseTitle: string;
  helperText?: string;
  onError: (message: string) => void;
  autoFocus?: boolean;
}

export function FolderField({ id, label, value, onChange, testId, browseTitle, helperText, onError, autoFocus }: Props) {
  const app = useStudioApp();
  const [browsing, setBrowsing] = useState(false);

  const browse = () => {
    if (!app.info.canPickFolderNatively) {
      setBrowsing(true);
      return;
    }
    studio.call('dialog.pickFolder', { title: browseTitle }).then(
      (r) => r.path !== null && onChange(r.path),
      (err: unknown) => onError(errorText(err)),
    );
  };

  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
      <TextField
        id={id}
        label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        helperText={helperText}
        fullWidth
        size="small"
        autoFocus={autoFocus}
        data-testid={testId}
        slotProps={{ htmlInput: { spellCheck: false, autoComplete: 'off' } }}
      />
      <Button variant="outlined" onClick={browse} sx={{ flexShrink: 0, height: 40 }} aria-label={`Browse for ${label.toLowerCase()}`}>
        Browse…
      </Button>
      {browsing && (
        <FolderBrowserDialog
          title={browseTitle}
          start={value.trim() || undefined}
          onChoose={(path) => {
            onChange(path);
            setBrowsing(false);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </Box>
  );
}
