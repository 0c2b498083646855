// Export training job: the Train form's run (its dataset, base model and every setting, built by
// the same trainSettings) as a TRL + accelerate project folder to copy to a GPU cluster
// (train.export), for runs too big for this machine. Only the cluster's own choices live here.
import { useEffect, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { TrainExportConfig, type Params } from '../../../../preload/contract';
import { fieldError } from '../../wizard/fieldError';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { useTrainSettings } from './TrainSettingsContext';
import { trainExportConfig } from './trainSettings';

type Config = Extract<Params<'jobs.start'>, { kind: 'train.export' }>['config'];
type Strategy = NonNullable<Config['strategy']>;

const native = (testId: string) => ({ select: { native: true }, htmlInput: { 'data-testid': testId }, inputLabel: { shrink: true } });
const DEFAULTS = TrainExportConfig.parse({ datasetArtifactId: '-', baseModel: '-' });

/** The base model as the cluster should load it: its Hub id when the project knows one, else its folder. */
function clusterRef(a: { path: string; meta: unknown } | undefined): string {
  const hubId = (a?.meta as { hubId?: unknown } | undefined)?.hubId;
  return typeof hubId === 'string' && hubId ? hubId : (a?.path ?? '');
}

export function TrainExportForm() {
  const bases = useArtifacts(['base-model', 'merged-model']).artifacts;
  const datasets = useArtifacts(['dataset-parquet']).artifacts;
  const train = useTrainSettings();
  const f = train.fields;
  const [baseModel, setBaseModel] = useState('');
  const [strategy, setStrategy] = useState<Strategy>(DEFAULTS.strategy);
  const [gpus, setGpus] = useState(String(DEFAULTS.gpus));
  const [nodes, setNodes] = useState(String(DEFAULTS.nodes));
  const { busy, error, fieldErrors, start } = useStartJob();

  // The Train form's base model fills the path; the cluster may hold it elsewhere, so it stays editable.
  const chosenBase = bases.find((b) => b.id === train.base);
  useEffect(() => {
    if (chosenBase) setBaseModel(clusterRef(chosenBase));
  }, [chosenBase?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  // A refused export marks the Train form's fields for its train.* settings.
  const { setExportErrors } = train;
  useEffect(() => {
    setExportErrors(
      Object.fromEntries(
        Object.entries(fieldErrors)
          .filter(([k]) => k.startsWith('train.'))
          .map(([k, v]) => [k.slice('train.'.length), v]),
      ),
    );
  }, [fieldErrors, setExportErrors]);

  const dataset = datasets.find((d) => d.id === train.dataset);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({ kind: 'train.export', step: 'train', config: trainExportConfig({ dataset: train.dataset, baseModel, strategy, gpus, nodes }, f) });
  };

  const quant = f.quant === 'none' ? 'LoRA' : f.quant === 'nf4' ? 'QLoRA (NF4)' : 'QLoRA (NF4 + double quant)';
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }}>
      <Typography variant="body2" color="text.secondary" sx={{ gridColumn: '1 / -1' }} data-testid="train-export-summary">
        Uses the Train form above: {dataset ? `dataset ${dataset.name}` : 'no dataset chosen yet'}; {quant} r={f.r}, α={f.alpha}, lr {f.lr}, {f.warmupSteps} warm-up steps, batch{' '}
        {f.batchSize} × {f.gradAccum} per GPU, {f.maxSteps.trim() ? `${f.maxSteps} steps` : `${f.epochs} epoch(s)`}, {f.dtype === 'bfloat16' ? 'bf16' : 'fp32'}, loss{' '}
        {f.lossAverage === 'tokens' ? 'per target token' : 'per micro-batch'}, seed {f.seed}.
      </Typography>
      <TextField
        id="train-export-base"
        label="Base model on the cluster (a folder or a Hub id)"
        placeholder="Qwen/Qwen3-VL-4B-Instruct"
        size="small"
        value={baseModel}
        onChange={(e) => setBaseModel(e.target.value)}
        sx={{ gridColumn: '1 / -1' }}
        {...fieldError(fieldErrors, 'baseModel')}
        slotProps={{ htmlInput: { 'data-testid': 'train-export-base-input', spellCheck: false }, inputLabel: { shrink: true } }}
      />
      <TextField select label="Strategy" size="small" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)} slotProps={native('train-export-strategy-select')}>
        <option value="deepspeed-zero2">DeepSpeed ZeRO-2</option>
        <option value="deepspeed-zero3">DeepSpeed ZeRO-3</option>
        <option value="fsdp">FSDP</option>
      </TextField>
      <Box sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 1.5 }}>
        <TextField
          label="GPUs per machine"
          size="small"
          value={gpus}
          onChange={(e) => setGpus(e.target.value)}
          {...fieldError(fieldErrors, 'gpus')}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'train-export-gpus-input' } }}
        />
        <TextField
          label="Machines"
          size="small"
          value={nodes}
          onChange={(e) => setNodes(e.target.value)}
          {...fieldError(fieldErrors, 'nodes')}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'train-export-nodes-input' } }}
        />
      </Box>
      {error && (
        <Alert severity="error" data-testid="train-export-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="outlined" disabled={busy || !train.dataset || !baseModel.trim()} data-testid="train-export-submit">
          Export training job
        </Button>
        {!train.dataset && (
          <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1.5 }}>
            Choose the converted dataset in the Train form above.
          </Typography>
        )}
      </Box>
    </Box>
  );
}
