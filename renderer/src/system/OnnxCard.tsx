// Where the local ONNX policy runs: the execution providers onnxruntime-node
// offers on this machine (each with why it is or is not usable) and the
// default a rollout uses when it names none.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { OnnxProviderChoice, SystemReport } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useStudioApp } from '../shared/AppContext';

const LABEL: Record<OnnxProviderChoice, string> = { auto: 'Automatic (first accelerator present, else CPU)', cpu: 'CPU', cuda: 'CUDA', coreml: 'CoreML', dml: 'DirectML' };

export function OnnxCard({ onnx }: { onnx: SystemReport['onnx'] }) {
  const app = useStudioApp();
  const [error, setError] = useState<string | null>(null);
  const choose = (provider: OnnxProviderChoice) => {
    setError(null);
    studio.call('system.setOnnxProvider', { provider }).then(app.setState, (e: unknown) => setError(errorText(e)));
  };
  return (
    <Box data-testid="system-onnx">
      <Typography variant="body2" sx={{ mb: 1 }}>
        onnxruntime-node {onnx.version ?? 'not loaded'}
      </Typography>
      {onnx.providers.map((p) => (
        <Box key={p.id} sx={{ display: 'grid', gridTemplateColumns: '90px minmax(0, 1fr)', gap: 1, py: 0.25, alignItems: 'center' }} data-testid={`system-onnx-${p.id}`}>
          <Chip size="small" label={LABEL[p.id]} color={p.available ? 'success' : 'default'} variant={p.available ? 'filled' : 'outlined'} />
          <Typography variant="body2" color="text.secondary" sx={{ wordBreak: 'break-word' }}>
            {p.reason}
          </Typography>
        </Box>
      ))}
      <TextField
        select
        size="small"
        label="Local models run on"
        value={app.state.onnxProvider}
        onChange={(e) => choose(e.target.value as OnnxProviderChoice)}
        sx={{ mt: 1.5, minWidth: 260 }}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'system-onnx-provider' } }}
      >
        {(['auto', ...onnx.providers.map((p) => p.id)] as OnnxProviderChoice[]).map((id) => {
          const p = onnx.providers.find((x) => x.id === id);
          return (
            <option key={id} value={id} disabled={p ? !p.available : false}>
              {LABEL[id]}
              {p && !p.available ? ' (not available)' : ''}
            </option>
          );
        })}
      </TextField>
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
    </Box>
  );
}
