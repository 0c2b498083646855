// Sign-in to the Hugging Face Hub (or a mirror / enterprise hub). The core keeps
// the token (keychain, encrypted file or HF_TOKEN); the page only ever shows who
// it belongs to, and forgets the typed token as soon as the core has it.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { HubAccount, HubStatus } from '../../../../preload/contract';
import { errorText, studio } from '../../api/client';
import type { Query } from '../../api/hooks';

const SOURCE_LABEL: Record<HubAccount['source'], string> = {
  env: 'HF_TOKEN in the environment',
  file: 'an encrypted token file',
  keychain: 'the OS keychain',
};

export function HubSignIn({ status }: { status: Query<HubStatus> }) {
  const [token, setToken] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const account = status.data?.account ?? null;

  const signIn = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    studio
      .call('hub.signIn', { token: token.trim(), ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}) })
      .then((acc) => {
        setToken('');
        status.set({ signedIn: true, account: acc });
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  const signOut = () => {
    setBusy(true);
    setError(null);
    studio
      .call('hub.signOut', {})
      .then((s) => status.set(s))
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  if (status.error)
    return (
      <Alert severity="error" data-testid="hub-status-error">
        {status.error}
      </Alert>
    );
  if (!status.data) return null;

  if (status.data.signedIn && account) {
    return (
      <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" data-testid="hub-status" sx={{ flex: 1, wordBreak: 'break-all' }}>
          Signed in as <b>{account.name || 'an unnamed account'}</b> at <code>{account.endpoint}</code> via {SOURCE_LABEL[account.source]}
        </Typography>
        <Button size="small" variant="outlined" onClick={signOut} disabled={busy} data-testid="hub-signout">
          Sign out
        </Button>
        {error && (
          <Alert severity="error" data-testid="hub-error" sx={{ width: '100%', wordBreak: 'break-word' }}>
            {error}
          </Alert>
        )}
      </Box>
    );
  }

  return (
    <Box
      component="form"
      onSubmit={signIn}
      noValidate
      data-testid="hub-signin-form"
      sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr auto' }, gap: 1.5, alignItems: 'start' }}
    >
      <TextField
        id="hub-token"
        label="Access token (hf_…, write access)"
        type="password"
        size="small"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'hub-token-input', spellCheck: false } }}
      />
      <TextField
        id="hub-endpoint"
        label="Hub endpoint (optional)"
        placeholder="https://huggingface.co"
        size="small"
        value={endpoint}
        onChange={(e) => setEndpoint(e.target.value)}
        helperText="For a mirror or an enterprise hub"
        slotProps={{ htmlInput: { 'data-testid': 'hub-endpoint-input', spellCheck: false }, inputLabel: { shrink: true } }}
      />
      <Button type="submit" variant="contained" disabled={busy || !token.trim()} data-testid="hub-signin">
        Sign in
      </Button>
      {error && (
        <Alert severity="error" data-testid="hub-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
