// What this machine can do: native addon, runtimes, CPU, memory, CUDA, libtorch,
// onnxruntime's execution providers (and which one local models use)
// and whether training is available, each with the reason when it is not.
// Also the theme choice, since "follow the system" lives nowhere else.
import type { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import type { SystemReport, ThemeMode } from '../../../preload/contract';
import { useStudioQuery } from '../api/hooks';
import { useThemeChoice } from '../shared/AppContext';
import { formatBytes } from '../util/format';
import { OnnxCard } from './OnnxCard';

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = `system-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Paper variant="outlined" component="section" aria-labelledby={id} sx={{ p: 2 }} data-testid={testId}>
      <Typography id={id} variant="subtitle1" component="h3" sx={{ fontWeight: 600, mb: 1 }}>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '120px minmax(0, 1fr)', gap: 1, py: 0.25 }}>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ wordBreak: 'break-word' }}>
        {children}
      </Typography>
    </Box>
  );
}

function Usable({ ok, yes = 'usable', no = 'unavailable' }: { ok: boolean; yes?: string; no?: string }) {
  return <Chip size="small" color={ok ? 'success' : 'default'} variant={ok ? 'filled' : 'outlined'} label={ok ? yes : no} />;
}

function Report({ r }: { r: SystemReport }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))', gap: 2 }}>
      <Card title="Native addon">
        <Box data-testid="system-addon-status" sx={{ wordBreak: 'break-word', '& .MuiAlert-message': { minWidth: 0 } }}>
          {r.addon.loaded ? (
            <Alert severity="success">
              Loaded{r.addon.version ? ` — version ${r.addon.version}` : ''}
              {r.addon.path ? ` from ${r.addon.path}` : ''}.
            </Alert>
          ) : (
            <Alert severity="warning">Unavailable — {r.addon.error ?? 'no reason was given'}</Alert>
          )}
        </Box>
      </Card>
      <Card title="Training">
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <Usable ok={r.training.available} yes="available" />
        </Stack>
        <Typography variant="body2" data-testid="system-training-reason">
          {r.training.reason}
        </Typography>
      </Card>
      <Card title="Local models (ONNX)">
        <OnnxCard onnx={r.onnx} />
      </Card>
      <Card title="Runtime">
        <Row label="Node.js">{r.node.version}</Row>
        <Row label="Electron">{r.node.electron ?? 'not running in Electron (server mode)'}</Row>
        <Row label="Platform">
          {r.node.platform} / {r.node.arch}
        </Row>
      </Card>
      <Card title="CPU and memory">
        {r.cpu ? (
          <>
            <Row label="Model">{r.cpu.model}</Row>
            <Row label="Logical cores">{r.cpu.logicalCores}</Row>
            <Row label="Features">{r.cpu.features.length ? r.cpu.features.join(' ') : 'none reported'}</Row>
          </>
        ) : (
          <Row label="CPU">not reported (the native addon detects it)</Row>
        )}
        <Row label="Memory">{r.memory ? formatBytes(r.memory.totalBytes) : 'not reported'}</Row>
      </Card>
      <Card title="CUDA">
        {r.cuda ? (
          <>
            <Row label="Status">
              <Usable ok={r.cuda.usable} />
            </Row>
            <Row label="Reason">{r.cuda.reason}</Row>
            <Row label="Driver">{r.cuda.driverVersion ?? '—'}</Row>
            {r.cuda.devices.length === 0 ? (
              <Row label="Devices">none</Row>
            ) : (
              r.cuda.devices.map((d) => (
                <Row key={d.index} label={`GPU ${d.index}`}>
                  {d.name} · {formatBytes(d.totalMemoryBytes)} · compute {d.computeCapability}
                </Row>
              ))
            )}
          </>
        ) : (
          <Typography variant="body2" color="text.secondary">
            Not probed (the native addon is not loaded).
          </Typography>
        )}
      </Card>
      <Card title="libtorch">
        {r.libtorch ? (
          <>
            <Row label="Status">
              <Usable ok={r.libtorch.usable} />
            </Row>
            <Row label="Reason">{r.libtorch.reason}</Row>
            <Row label="Path">{r.libtorch.path ?? '—'}</Row>
            <Row label="Version">{r.libtorch.version ?? '—'}</Row>
            <Row label="CUDA build">{r.libtorch.cuda ? 'yes' : 'no'}</Row>
          </>
        ) : (
          <Typography variant="body2" color="text.secondary">
            Not probed (the native addon is not loaded).
          </Typography>
        )}
      </Card>
      {r.warnings.length > 0 && (
        <Box sx={{ gridColumn: '1 / -1' }}>
          <Stack spacing={1}>
            {r.warnings.map((w) => (
              <Alert key={w} severity="warning">
                {w}
              </Alert>
            ))}
          </Stack>
        </Box>
      )}
    </Box>
  );
}

function ThemeChoice() {
  const { theme, choose } = useThemeChoice();
  return (
    <ToggleButtonGroup size="small" exclusive value={theme} onChange={(_e, v: ThemeMode | null) => v && choose(v)} aria-label="Theme">
      <ToggleButton value="light">Light</ToggleButton>
      <ToggleButton value="dark">Dark</ToggleButton>
      <ToggleButton value="system">Follow the system</ToggleButton>
    </ToggleButtonGroup>
  );
}

export function SystemPage() {
  const report = useStudioQuery('system.report', {});
  return (
    <Box data-testid="system-page" sx={{ p: { xs: 2, md: 3 }, maxWidth: 1100 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h2" sx={{ flex: 1 }}>
          System
        </Typography>
        <ThemeChoice />
        <Button variant="outlined" size="small" onClick={report.reload} disabled={report.loading}>
          Check again
        </Button>
      </Box>
      {report.error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {report.error}
        </Alert>
      )}
      {report.data ? (
        <Report r={report.data} />
      ) : (
        !report.error && (
          <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }} role="status">
            <CircularProgress size={20} />
            <Typography color="text.secondary">Probing the native addon, CUDA and libtorch…</Typography>
          </Box>
        )
      )}
    </Box>
  );
}
