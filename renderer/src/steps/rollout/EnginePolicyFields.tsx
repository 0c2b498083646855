// The engine policy's choices on the Rollout form: a model of the project (base or merged, the shared
// model picker), an optional LoRA adapter on top (a run's checkpoint or an imported PEFT adapter) and
// the device (default: what the engine sees on this machine).
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import { useArtifacts } from '../../shared/ArtifactsContext';
import { ModelPicker } from '../../wizard/ModelPicker';
import { ArtifactSelect } from '../../wizard/ArtifactSelect';

export interface EngineFields {
  modelArtifactId: string;
  adapterArtifactId: string;
  device: 'auto' | 'cpu' | 'cuda';
}

export const DEFAULT_ENGINE_FIELDS: EngineFields = { modelArtifactId: '', adapterArtifactId: '', device: 'auto' };

export function EnginePolicyFields({ value, onChange, errors }: { value: EngineFields; onChange: (v: EngineFields) => void; errors: (path: string) => string | undefined }) {
  const models = useArtifacts(['base-model', 'merged-model']).artifacts;
  const adapters = useArtifacts(['adapter']).artifacts;
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' }, gap: 1.5 }}>
      <ModelPicker
        id="rollout-engine-model"
        label="Model (base or merged)"
        artifacts={models}
        value={value.modelArtifactId}
        onChange={(id) => onChange({ ...value, modelArtifactId: id })}
        testId="rollout-engine-model"
        error={errors('policy.modelArtifactId')}
      />
      <ArtifactSelect
        id="rollout-engine-adapter"
        label="LoRA adapter on top (optional)"
        artifacts={adapters}
        value={value.adapterArtifactId}
        onChange={(id) => onChange({ ...value, adapterArtifactId: id })}
        testId="rollout-engine-adapter"
        optional
        error={errors('policy.adapterArtifactId')}
      />
      <TextField
        select
        label="Device"
        size="small"
        value={value.device}
        onChange={(e) => onChange({ ...value, device: e.target.value as EngineFields['device'] })}
        slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rollout-engine-device' } }}
        sx={{ alignSelf: 'flex-start', minWidth: 300 }}
      >
        <option value="auto">Auto: CUDA if present, else CPU</option>
        <option value="cpu">CPU</option>
        <option value="cuda">CUDA</option>
      </TextField>
    </Box>
  );
}
