// Convert: choose the accepted dataset, the target layout and the sample,
// split, label and length settings; preview exactly what the model will see,
// then start a convert.run job.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import type { Params } from '../../../../preload/contract';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { ModelPicker } from '../../wizard/ModelPicker';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { ConvertPreviewPanel } from './ConvertPreviewPanel';
import { fieldError, num } from '../../wizard/fieldError';

type Config = Extract<Params<'jobs.start'>, { kind: 'convert.run' }>['config'];
type Target = NonNullable<Config['target']>;
type History = NonNullable<Config['history']>;
type SplitBy = 'ratio' | 'game' | 'seed';

const native = (testId: string) => ({ select: { native: true }, htmlInput: { 'data-testid': testId }, inputLabel: { shrink: true } });

export function ConvertForm() {
  // Trajectory artifacts that hold nothing (an import that read no episode, a rollout whose every trajectory failed) are not offered.
  const datasets = useArtifacts(['dataset-json', 'trajectories']).artifacts.filter((a) => {
    const m = a.meta as { imported?: number; trajectories?: number };
    return a.kind !== 'trajectories' || (m.imported ?? m.trajectories ?? 1) > 0;
  });
  const models = useArtifacts(['base-model', 'merged-model']).artifacts;
  const [dataset, setDataset] = useState('');
  const [model, setModel] = useState('');
  const [target, setTarget] = useState<Target>('trl');
  const [history, setHistory] = useState<History>('turn');
  const [k, setK] = useState('2');
  const [labels, setLabels] = useState<'assistant' | 'all'>('assistant');
  const [splitBy, setSplitBy] = useState<SplitBy>('ratio');
  const [validation, setValidation] = useState('5');
  const [values, setValues] = useState('');
  const [seed, setSeed] = useState('0');
  const [maxTokens, setMaxTokens] = useState('8192');
  const [overLength, setOverLength] = useState<'drop' | 'keep'>('drop');
  const [name, setName] = useState('');
  const [previewOf, setPreviewOf] = useState<Params<'convert.preview'> | null>(null);
  const { busy, error, setError, fieldErrors, start, refuse } = useStartJob();
  const err = (path: string) => fieldError(fieldErrors, path);

  const config = (): Config | null => {
    // The share is typed in %: checked here so the message speaks in % (the contract holds a fraction).
    const v = num(validation);
    if (!(v >= 0 && v <= 90)) {
      refuse('split.validation', 'Validation %', 'must be a number from 0 to 90');
      return null;
    }
    setError(null);
    return {
      datasetArtifactId: dataset,
      ...(model ? { modelArtifactId: model } : {}),
      target,
      history,
      historyTurns: num(k),
      labels,
      split: {
        by: splitBy,
        validation: v / 100,
        values: values
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        seed: num(seed),
      },
      maxTokens: num(maxTokens),
      overLength,
      ...(name.trim() ? { name: name.trim() } : {}),
    };
  };

  const preview = () => {
    const c = config();
    if (!c) return;
    const { name: _name, ...rest } = c;
    setPreviewOf({ ...rest, limit: 3, scan: 300 });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const c = config();
    if (c) start({ kind: 'convert.run', step: 'convert', config: c });
  };

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }}>
        <ArtifactSelect
          id="convert-dataset"
          label="Accepted dataset"
          artifacts={datasets}
          value={dataset}
          onChange={setDataset}
          testId="convert-dataset-select"
          error={fieldErrors.datasetArtifactId}
        />
        <ModelPicker
          id="convert-model"
          label="Base model for template & tokens (optional)"
          artifacts={models}
          value={model}
          onChange={setModel}
          testId="convert-model-select"
          optional
        />
        <TextField select label="Target" size="small" value={target} onChange={(e) => setTarget(e.target.value as Target)} slotProps={native('convert-target-select')}>
          <option value="trl">TRL: messages + images</option>
          <option value="verl">verl: prompt, images, reward</option>
          <option value="arlarena">ARLArena combined.parquet</option>
        </TextField>
        <TextField
          select
          label="History"
          size="small"
          value={history}
          onChange={(e) => setHistory(e.target.value as History)}
          disabled={target === 'arlarena'}
          slotProps={native('convert-history-select')}
        >
          <option value="turn">Each turn as the policy saw it</option>
          <option value="full">Whole episodes (multi-turn)</option>
          <option value="last-k">Each turn + its k earlier turns</option>
        </TextField>
        <TextField
          label="k (earlier turns)"
          size="small"
          value={k}
          onChange={(e) => setK(e.target.value)}
          disabled={history !== 'last-k'}
          {...err('historyTurns')}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'convert-k-input' } }}
        />
        <TextField
          select
          label="Loss on"
          size="small"
          value={labels}
          onChange={(e) => setLabels(e.target.value as 'assistant' | 'all')}
          slotProps={native('convert-labels-select')}
        >
          <option value="assistant">Assistant turns only</option>
          <option value="all">The full sequence (old notebook)</option>
        </TextField>
        <TextField select label="Split by" size="small" value={splitBy} onChange={(e) => setSplitBy(e.target.value as SplitBy)} slotProps={native('convert-split-select')}>
          <option value="ratio">Trajectory (ratio)</option>
          <option value="game">Game</option>
          <option value="seed">Seed</option>
        </TextField>
        <TextField
          label="Validation %"
          size="small"
          value={validation}
          onChange={(e) => setValidation(e.target.value)}
          {...err('split.validation')}
          slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'convert-validation-input' } }}
        />
        <TextField
          label="Validation games or seeds (optional)"
          placeholder="comma-separated, e.g. 3, 7"
          size="small"
          value={values}
          onChange={(e) => setValues(e.target.value)}
          disabled={splitBy === 'ratio'}
        />
        <TextField
          label="Split seed"
          size="small"
          value={seed}
          onChange={(e) => setSeed(e.target.value)}
          {...err('split.seed')}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'convert-seed-input' } }}
        />
        <TextField
          label="Max tokens per sample"
          size="small"
          value={maxTokens}
          onChange={(e) => setMaxTokens(e.target.value)}
          {...err('maxTokens')}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'convert-max-tokens-input' } }}
        />
        <TextField
          select
          label="Longer samples"
          size="small"
          value={overLength}
          onChange={(e) => setOverLength(e.target.value as 'drop' | 'keep')}
          slotProps={native('convert-over-select')}
        >
          <option value="drop">Drop (listed in dataset_info.json)</option>
          <option value="keep">Keep and flag</option>
        </TextField>
        <TextField
          label="Name (optional)"
          size="small"
          value={name}
          onChange={(e) => setName(e.target.value)}
          {...err('name')}
          slotProps={{ htmlInput: { 'data-testid': 'convert-name-input' } }}
        />
        {error && (
          <Alert severity="error" data-testid="convert-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
            {error}
          </Alert>
        )}
        <Box sx={{ gridColumn: '1 / -1', display: 'flex', gap: 1 }}>
          <Button variant="outlined" onClick={preview} disabled={!dataset} data-testid="convert-preview">
            Preview
          </Button>
          <Button type="submit" variant="contained" disabled={busy || !dataset} data-testid="convert-submit">
            Convert to Parquet
          </Button>
        </Box>
      </Box>
      {previewOf && <ConvertPreviewPanel params={previewOf} />}
    </Box>
  );
}
