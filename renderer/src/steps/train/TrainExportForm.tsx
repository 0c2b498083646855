// Export training job: a converted (TRL) dataset → a TRL + accelerate project
// folder to copy to a GPU cluster (train.export), for runs too big for this machine.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import TextField from '@mui/material/TextField';
import { TrainExportConfig, type Params } from '../../../../preload/contract';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { useArtifacts } from '../../wizard/useArtifacts';
import { useStartJob } from '../../wizard/useStartJob';

type Config = Extract<Params<'jobs.start'>, { kind: 'train.export' }>['config'];
type Strategy = NonNullable<Config['strategy']>;

const native = (testId: string) => ({ select: { native: true }, htmlInput: { 'data-testid': testId }, inputLabel: { shrink: true } });
const DEFAULTS = TrainExportConfig.parse({ datasetArtifactId: '-', baseModel: '-' });

/** A whole number within the schema's bounds for `key`, or a sentence naming the field. */
function wholeNumber(key: 'gpus' | 'nodes', label: string, text: string): { value: number } | { error: string } {
  const n = Number(text);
  const ok = text.trim() !== '' && Number.isInteger(n) && TrainExportConfig.shape[key].safeParse(n).success;
  if (ok) return { value: n };
  const inner = TrainExportConfig.shape[key].unwrap();
  return { error: `${label} must be a whole number from ${String(inner.minValue)} to ${String(inner.maxValue)}` };
}

export function TrainExportForm() {
  const datasets = useArtifacts(['dataset-parquet']).artifacts.filter((a) => (a.meta as { target?: string }).target !== 'arlarena' && (a.meta as { target?: string }).target !== 'verl');
  const bases = useArtifacts(['base-model']).artifacts;
  const [dataset, setDataset] = useState('');
  const [fillFrom, setFillFrom] = useState('');
  const [baseModel, setBaseModel] = useState('');
  const [qlora, setQlora] = useState(DEFAULTS.qlora);
  const [strategy, setStrategy] = useState<Strategy>(DEFAULTS.strategy);
  const [gpus, setGpus] = useState(String(DEFAULTS.gpus));
  const [nodes, setNodes] = useState(String(DEFAULTS.nodes));
  const { busy, error, setError, start } = useStartJob();

  // The cluster may hold the model elsewhere, so the path stays editable after filling it in.
  const fill = (id: string) => {
    setFillFrom(id);
    const a = bases.find((b) => b.id === id);
    if (a) setBaseModel(a.path);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const g = wholeNumber('gpus', 'GPUs per machine', gpus);
    if ('error' in g) return setError(g.error);
    const n = wholeNumber('nodes', 'Machines', nodes);
    if ('error' in n) return setError(n.error);
    start({ kind: 'train.export', step: 'train', config: { datasetArtifactId: dataset, baseModel: baseModel.trim(), qlora, strategy, gpus: g.value, nodes: n.value } });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }}>
      <ArtifactSelect id="train-export-dataset" label="Converted dataset (TRL Parquet)" artifacts={datasets} value={dataset} onChange={setDataset} testId="train-export-dataset-select" />
      <ArtifactSelect id="train-export-fill" label="Fill the base model from this project (optional)" artifacts={bases} value={fillFrom} onChange={fill} testId="train-export-base-select" />
      <TextField id="train-export-base" label="Base model (a folder or a Hub id)" placeholder="Qwen/Qwen3-VL-4B-Instruct" size="small" value={baseModel}
        onChange={(e) => setBaseModel(e.target.value)} sx={{ gridColumn: '1 / -1' }}
        slotProps={{ htmlInput: { 'data-testid': 'train-export-base-input', spellCheck: false }, inputLabel: { shrink: true } }} />
      <TextField select label="Strategy" size="small" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)} slotProps={native('train-export-strategy-select')}>
        <option value="deepspeed-zero2">DeepSpeed ZeRO-2</option>
        <option value="deepspeed-zero3">DeepSpeed ZeRO-3</option>
        <option value="fsdp">FSDP</option>
      </TextField>
      <FormControlLabel label="QLoRA (4-bit base weights)"
        control={<Checkbox checked={qlora} onChange={(e) => setQlora(e.target.checked)} slotProps={{ input: { 'data-testid': 'train-export-qlora-checkbox' } as object }} />} />
      <TextField label="GPUs per machine" size="small" value={gpus} onChange={(e) => setGpus(e.target.value)}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'train-export-gpus-input' } }} />
      <TextField label="Machines" size="small" value={nodes} onChange={(e) => setNodes(e.target.value)}
        slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'train-export-nodes-input' } }} />
      {error && <Alert severity="error" data-testid="train-export-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>{error}</Alert>}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="outlined" disabled={busy || !dataset || !baseModel.trim()} data-testid="train-export-submit">
          Export training job
        </Button>
      </Box>
    </Box>
  );
}
