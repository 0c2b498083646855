// Train: pick the base model and a converted dataset, start from a preset,
// adjust LoRA / optimizer / batch settings, and start a train.run job.
import { useEffect, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LORA_TARGETS, type Params } from '../../../../preload/contract';
import { useStudioQuery } from '../../api/hooks';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { ModelPicker } from '../../wizard/ModelPicker';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { useStartJob } from '../../wizard/useStartJob';
import { MemoryEstimate } from './MemoryEstimate';
import { PRESETS } from './presets';
import { useTrainSettings } from './TrainSettingsContext';
import { estimateParams, fieldsOf, trainRunConfig, type TrainFields } from './trainSettings';
import { fieldError } from '../../wizard/fieldError';

const numeric = (testId: string) => ({ htmlInput: { inputMode: 'decimal' as const, 'data-testid': testId } });

export function TrainForm() {
  const bases = useArtifacts(['base-model', 'merged-model']).artifacts;
  const adapters = useArtifacts(['adapter']).artifacts;
  const datasets = useArtifacts(['dataset-parquet']).artifacts.filter(
    (a) => (a.meta as { target?: string }).target !== 'arlarena' && (a.meta as { target?: string }).target !== 'verl',
  );
  // Held by the Train step: the cluster export below sends these same settings.
  const { base, setBase, dataset, setDataset, preset, setPreset, fields: f, setFields: setF, exportErrors } = useTrainSettings();
  const [name, setName] = useState('');
  const [initAdapter, setInitAdapter] = useState('');
  const { busy, error, fieldErrors, start } = useStartJob();
  const set = (k: keyof TrainFields) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  // A field is marked by this form's refused run, else by a refused cluster export (its train.* paths).
  const err = (path: string, helper?: string | null) => fieldError({ ...exportErrors, ...fieldErrors }, path, helper ?? undefined);
  // The device comes from what this machine has: a preset's cuda becomes cpu where libtorch sees no CUDA, saying why.
  const devices = useStudioQuery('train.devices', {}).data;
  const [deviceNote, setDeviceNote] = useState<string | null>(null);
  const fit = (fields: TrainFields): TrainFields => {
    const replace = !!devices && !devices.cuda && fields.device.startsWith('cuda');
    setDeviceNote(replace ? `Device set to cpu: ${devices!.reason}.` : null);
    return replace ? { ...fields, device: 'cpu' } : fields;
  };
  useEffect(() => {
    if (devices) setF(fit(f));
    // Only when the machine's devices arrive: later edits of the field are the user's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [devices]);

  const choose = (id: string) => {
    const p = PRESETS.find((x) => x.id === id)!;
    setPreset(p);
    setF(fit(fieldsOf(p)));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Every number goes as typed: the contract refuses what is out of range, naming the field (marked below).
    start({ kind: 'train.run', step: 'train', config: trainRunConfig({ base, dataset, name, initAdapter }, f) });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, gap: 1.5 }}>
      <ModelPicker id="train-base" label="Base model" artifacts={bases} value={base} onChange={setBase} testId="train-base-select" error={fieldErrors.baseArtifactId} />
      <ArtifactSelect
        id="train-dataset"
        label="Converted dataset (TRL Parquet)"
        artifacts={datasets}
        value={dataset}
        onChange={setDataset}
        testId="train-dataset-select"
        error={fieldErrors.datasetArtifactId}
      />
      <TextField
        select
        label="Preset"
        size="small"
        value={preset.id}
        onChange={(e) => choose(e.target.value)}
        sx={{ gridColumn: '1 / -1' }}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-preset-select' }, inputLabel: { shrink: true } }}
      >
        {PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </TextField>
      <Typography variant="caption" color="text.secondary" sx={{ gridColumn: '1 / -1' }}>
        {preset.note}
      </Typography>
      <TextField label="LoRA rank r" size="small" value={f.r} onChange={set('r')} {...err('lora.r')} slotProps={numeric('train-r-input')} />
      <TextField label="LoRA alpha" size="small" value={f.alpha} onChange={set('alpha')} {...err('lora.alpha')} slotProps={numeric('train-alpha-input')} />
      <TextField label="Learning rate" size="small" value={f.lr} onChange={set('lr')} {...err('lr')} slotProps={numeric('train-lr-input')} />
      <TextField label="Warmup steps" size="small" value={f.warmupSteps} onChange={set('warmupSteps')} {...err('warmupSteps')} slotProps={numeric('train-warmup-input')} />
      <TextField label="Batch size" size="small" value={f.batchSize} onChange={set('batchSize')} {...err('batchSize')} slotProps={numeric('train-batch-input')} />
      <TextField label="Gradient accumulation" size="small" value={f.gradAccum} onChange={set('gradAccum')} {...err('gradAccum')} slotProps={numeric('train-accum-input')} />
      <TextField label="Epochs" size="small" value={f.epochs} onChange={set('epochs')} {...err('epochs')} slotProps={numeric('train-epochs-input')} />
      <TextField label="Max steps (optional)" size="small" value={f.maxSteps} onChange={set('maxSteps')} {...err('maxSteps')} slotProps={numeric('train-max-steps-input')} />
      <TextField
        label="Checkpoint every N steps (0: end only)"
        size="small"
        value={f.saveEvery}
        onChange={set('saveEvery')}
        {...err('saveEvery')}
        slotProps={numeric('train-save-every-input')}
      />
      <TextField
        label="Validation loss every N steps (0: end only)"
        size="small"
        value={f.evalEvery}
        onChange={set('evalEvery')}
        {...err('evalEvery')}
        slotProps={numeric('train-eval-every-input')}
      />
      <TextField
        label="Sample answers at each evaluation (0: none)"
        size="small"
        value={f.samples}
        onChange={set('samples')}
        {...err('samples')}
        slotProps={numeric('train-samples-input')}
      />
      <TextField
        select
        label="If the loss becomes NaN or inf"
        size="small"
        value={f.onNonFinite}
        onChange={set('onNonFinite')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-nonfinite-select' }, inputLabel: { shrink: true } }}
      >
        <option value="fail">fail the run (at that step)</option>
        <option value="continue">keep training (warn)</option>
      </TextField>
      <TextField
        select
        label="Weights"
        size="small"
        value={f.dtype}
        onChange={set('dtype')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-dtype-select' }, inputLabel: { shrink: true } }}
      >
        <option value="bfloat16">bf16</option>
        <option value="float32">fp32</option>
      </TextField>
      <TextField
        select
        label="Base projections"
        size="small"
        value={f.quant}
        onChange={set('quant')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-quant-select' }, inputLabel: { shrink: true } }}
      >
        <option value="none">full precision (LoRA)</option>
        <option value="nf4">NF4 4-bit (QLoRA)</option>
        <option value="nf4-dq">NF4 4-bit + double quant (QLoRA)</option>
      </TextField>
      <TextField
        select
        label="Optimizer"
        size="small"
        value={f.optimizer}
        onChange={set('optimizer')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-optimizer-select' }, inputLabel: { shrink: true } }}
      >
        <option value="adamw">AdamW (fp32 moments)</option>
        <option value="adamw-8bit">8-bit AdamW</option>
      </TextField>
      <TextField
        select
        label="Gradient checkpointing"
        size="small"
        value={f.checkpointing}
        onChange={set('checkpointing')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-checkpointing-select' }, inputLabel: { shrink: true } }}
      >
        <option value="off">off (fastest)</option>
        <option value="on">on (less memory)</option>
      </TextField>
      <TextField
        select
        label="Sequence packing"
        size="small"
        value={f.packing}
        onChange={set('packing')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-packing-select' }, inputLabel: { shrink: true } }}
      >
        <option value="off">off (padded batches)</option>
        <option value="on">on (no padding)</option>
      </TextField>
      {f.packing === 'on' && (
        <TextField
          label="Tokens per packed row"
          size="small"
          value={f.packTokens}
          onChange={set('packTokens')}
          {...err('packTokens')}
          slotProps={numeric('train-pack-tokens-input')}
        />
      )}
      <TextField
        select
        label="Loss over an accumulated batch"
        size="small"
        value={f.lossAverage}
        onChange={set('lossAverage')}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'train-loss-average-select' }, inputLabel: { shrink: true } }}
      >
        <option value="tokens">per target token</option>
        <option value="micro-batch">per micro-batch (HF Trainer)</option>
      </TextField>
      <ArtifactSelect
        id="train-init-adapter"
        label="Start from adapter (optional)"
        artifacts={adapters}
        value={initAdapter}
        onChange={setInitAdapter}
        testId="train-init-adapter-select"
        optional
        error={fieldErrors.initAdapterFrom}
      />
      {initAdapter && (
        <Typography variant="caption" color="text.secondary" sx={{ gridColumn: '1 / -1' }} data-testid="train-init-adapter-note">
          The LoRA rank, alpha and target modules come from this adapter&apos;s adapter_config.json; its weights are where training starts (a new optimizer and schedule).
        </Typography>
      )}
      <TextField label="Seed" size="small" value={f.seed} onChange={set('seed')} {...err('seed')} slotProps={numeric('train-seed-input')} />
      <TextField
        label="Device (cpu, cuda, cuda:1)"
        size="small"
        value={f.device}
        onChange={set('device')}
        {...err('device', deviceNote)}
        slotProps={{ htmlInput: { 'data-testid': 'train-device-input' }, formHelperText: { 'data-testid': 'train-device-note' } as object }}
      />
      <TextField
        label="Name (optional)"
        size="small"
        value={name}
        onChange={(e) => setName(e.target.value)}
        {...err('name')}
        slotProps={{ htmlInput: { 'data-testid': 'train-name-input' } }}
      />
      <MemoryEstimate params={estimateParams(base, dataset, f)} />
      {error && (
        <Alert severity="error" data-testid="train-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="contained" disabled={busy || !base || !dataset} data-testid="train-submit">
          Train
        </Button>
      </Box>
    </Box>
  );
}
