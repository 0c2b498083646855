// Merge: pick a base model and an adapter from the project, choose the output
// dtype and rounding, and start a merge.run job.
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { studio } from '../../api/client';
import { useStartJob } from '../../wizard/useStartJob';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';
import { ModelPicker } from '../../wizard/ModelPicker';
import { takeMergeAdapter } from '../evaluate/mergeHandoff';

export function MergeForm() {
  const bases = useArtifacts(['base-model', 'merged-model']).artifacts;
  const adapters = useArtifacts(['adapter']).artifacts;
  const [base, setBase] = useState('');
  // An evaluation's "Merge the best checkpoint" preselects it here.
  const [adapter, setAdapter] = useState(() => takeMergeAdapter() ?? '');
  const [name, setName] = useState('');
  const [outDtype, setOutDtype] = useState<'bf16' | 'keep'>('bf16');
  const [rounding, setRounding] = useState<'peft' | 'single'>('peft');
  const { busy, error, fieldErrors, start } = useStartJob();
  // Choosing an adapter preselects the base it was trained on (its lineage), when the project has it.
  const chooseAdapter = (id: string) => {
    setAdapter(id);
    if (!id) return;
    studio.call('artifacts.baseModelId', { artifactId: id }).then(
      (r) => {
        if (r.baseArtifactId && bases.some((b) => b.id === r.baseArtifactId)) setBase(r.baseArtifactId);
      },
      () => undefined,
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    start({
      kind: 'merge.run',
      step: 'merge',
      config: { baseArtifactId: base, adapterArtifactId: adapter, outDtype, rounding, ...(name.trim() ? { name: name.trim() } : {}) },
    });
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 1.5 }}>
      <ModelPicker id="merge-base" label="Base model" artifacts={bases} value={base} onChange={setBase} testId="merge-base-select" error={fieldErrors.baseArtifactId} />
      <ArtifactSelect
        id="merge-adapter"
        label="LoRA adapter"
        artifacts={adapters}
        value={adapter}
        onChange={chooseAdapter}
        testId="merge-adapter-select"
        error={fieldErrors.adapterArtifactId}
      />
      <TextField
        id="merge-name"
        label="Name of the merged model (optional)"
        size="small"
        value={name}
        onChange={(e) => setName(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'merge-name-input' } }}
      />
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
        <TextField
          select
          id="merge-dtype"
          label="Output weights"
          size="small"
          value={outDtype}
          onChange={(e) => setOutDtype(e.target.value as 'bf16' | 'keep')}
          slotProps={{ select: { native: true } }}
          sx={{ flex: '1 1 200px' }}
        >
          <option value="bf16">bf16 (for vLLM / verl)</option>
          <option value="keep">keep the base's dtypes</option>
        </TextField>
        <TextField
          select
          id="merge-rounding"
          label="Arithmetic"
          size="small"
          value={rounding}
          onChange={(e) => setRounding(e.target.value as 'peft' | 'single')}
          slotProps={{ select: { native: true } }}
          sx={{ flex: '1 1 250px' }}
        >
          <option value="peft">as PEFT merge_and_unload</option>
          <option value="single">single rounding (float64)</option>
        </TextField>
      </Box>
      {error && (
        <Alert severity="error" data-testid="merge-error" sx={{ gridColumn: '1 / -1', wordBreak: 'break-word' }}>
          {error}
        </Alert>
      )}
      <Box sx={{ gridColumn: '1 / -1' }}>
        <Button type="submit" variant="contained" disabled={busy || !base || !adapter} data-testid="merge-submit">
          Merge
        </Button>
      </Box>
    </Box>
  );
}
