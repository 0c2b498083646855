// The one model picker every step uses: this project's models, the Qwen3-VL snapshots in the
// local Hugging Face cache, or a folder. Choosing a cached one or a folder imports it (by
// reference, Hub id read from the cache layout) and selects it once the import is done.
// Under the select: architecture, parameters, dtype, size and Hub id of the chosen model;
// a folder that is not Qwen3-VL is refused with the reason.
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { Artifact, ArtifactKind, CachedModel, ModelFolderInfo } from '../../../preload/contract';
import { errorText, studio } from '../api/client';
import { useStudioEvent, useStudioQuery } from '../api/hooks';
import { useStudioApp } from '../shared/AppContext';
import { FolderBrowserDialog } from '../project/FolderBrowserDialog';
import { formatBytes } from '../util/format';

interface Props {
  id: string;
  label: string;
  /** The project's artifacts the step accepts (base and/or merged models). */
  artifacts: Artifact[];
  value: string;
  onChange: (artifactId: string) => void;
  testId: string;
  /** What a cached snapshot or folder is imported as. */
  importKind?: ArtifactKind;
  optional?: boolean;
  /** A validation message for this field: drawn red, said under it. */
  error?: string;
}

const FOLDER = '__folder__';
const CACHE = 'cache:';

export function formatParams(n: number | null): string | null {
  if (n === null) return null;
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} B params`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M params`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K params`;
  return `${n} params`;
}

export function describeModel(m: ModelFolderInfo): string {
  return [m.architecture ?? m.modelType ?? 'unknown architecture', formatParams(m.parameters), m.dtype, formatBytes(m.sizeBytes), m.hubId && `Hub id ${m.hubId}`]
    .filter(Boolean)
    .join(' · ');
}

export function ModelPicker({ id, label, artifacts, value, onChange, testId, importKind = 'base-model', optional = false, error: fieldError }: Props) {
  const app = useStudioApp();
  const local = useStudioQuery('models.local', {});
  const [info, setInfo] = useState<ModelFolderInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState<{ runId: string; what: string } | null>(null);
  const [browsing, setBrowsing] = useState(false);

  // One model in the project and none chosen: choose it, as a user would.
  useEffect(() => {
    if (!optional && !value && artifacts.length === 1) onChange(artifacts[0]!.id);
  }, [optional, value, artifacts.length === 1 && artifacts[0]!.id]);

  const chosen = artifacts.find((a) => a.id === value);
  useEffect(() => {
    setInfo(null);
    if (!chosen) return;
    let live = true;
    studio.call('models.inspect', { path: chosen.path }).then(
      (i) => live && setInfo(i),
      () => live && setInfo(null),
    );
    return () => {
      live = false;
    };
  }, [chosen?.path]);

  // The import ends: select what it registered (or say why it failed).
  useStudioEvent('run.updated', (run) => {
    if (!importing || run.id !== importing.runId) return;
    if (run.status === 'succeeded') {
      setImporting(null);
      studio.call('jobs.get', { runId: run.id }).then(
        (d) => d.outputs[0] && onChange(d.outputs[0].id),
        (err: unknown) => setError(errorText(err)),
      );
    } else if (run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted' || run.status === 'paused') {
      setImporting(null);
      setError(run.error ?? `importing ${importing.what} ${run.status}`);
    }
  });

  const importFolder = (path: string, what: string, hubId?: string) => {
    setError(null);
    studio
      .call('models.inspect', { path })
      .then((i) => {
        if (!i.supported) throw new Error(`${what} cannot be used: ${i.reason}`);
        return studio.call('jobs.start', { kind: 'artifact.import', config: { path, kind: importKind, mode: 'reference', ...(hubId ? { hubId } : {}) } });
      })
      .then((run) => setImporting({ runId: run.id, what }))
      .catch((err: unknown) => setError(errorText(err)));
  };

  const inProject = new Set(artifacts.map((a) => a.path));
  const cached = (local.data?.models ?? []).filter((m) => !inProject.has(m.path));
  const cacheLabel = (m: CachedModel) =>
    `${m.hubId}${m.isDefault ? '' : ` @${m.revision.slice(0, 7)}`} — ${m.supported ? [formatParams(m.parameters), m.dtype, formatBytes(m.sizeBytes)].filter(Boolean).join(', ') : `not usable: ${m.reason}`}`;

  const pick = (v: string) => {
    if (v === FOLDER) {
      if (app.info.canPickFolderNatively) {
        studio.call('dialog.pickFolder', { title: 'Choose a model folder' }).then(
          (r) => r.path && importFolder(r.path, r.path),
          (err: unknown) => setError(errorText(err)),
        );
      } else setBrowsing(true);
      return;
    }
    if (v.startsWith(CACHE)) {
      const m = cached.find((c) => c.path === v.slice(CACHE.length));
      if (m) importFolder(m.path, m.hubId, m.hubId);
      return;
    }
    onChange(v);
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 0.5, minWidth: 0 }}>
      <TextField
        select
        id={id}
        label={label}
        value={value}
        onChange={(e) => pick(e.target.value)}
        size="small"
        fullWidth
        disabled={Boolean(importing)}
        error={Boolean(fieldError)}
        helperText={
          fieldError ??
          (importing ? `Importing ${importing.what}…` : !artifacts.length && !cached.length ? 'No model in this project or in the Hugging Face cache: choose a folder.' : undefined)
        }
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': testId }, inputLabel: { shrink: true } }}
      >
        <option value="">{optional ? 'None' : 'Choose…'}</option>
        {artifacts.length > 0 && (
          <optgroup label="In this project">
            {artifacts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({formatBytes(a.sizeBytes)})
              </option>
            ))}
          </optgroup>
        )}
        {cached.length > 0 && (
          <optgroup label={`In the Hugging Face cache (${local.data?.cacheDir})`}>
            {cached.map((m) => (
              <option key={m.path} value={CACHE + m.path} disabled={!m.supported}>
                {cacheLabel(m)}
              </option>
            ))}
          </optgroup>
        )}
        <option value={FOLDER}>A folder on disk…</option>
      </TextField>
      {info && (
        <Typography variant="caption" color={info.supported ? 'text.secondary' : 'error'} data-testid={`${testId}-info`} sx={{ overflowWrap: 'anywhere' }}>
          {describeModel(info)}
          {!info.supported && ` — ${info.reason}`}
        </Typography>
      )}
      {error && (
        <Alert severity="error" onClose={() => setError(null)} data-testid={`${testId}-error`} sx={{ wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      {browsing && (
        <FolderBrowserDialog
          title="Choose a model folder"
          start={local.data?.cacheDir}
          onChoose={(path) => {
            setBrowsing(false);
            importFolder(path, path);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </Box>
  );
}
