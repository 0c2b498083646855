// The local ONNX model as the rollout's player: which export (a project
// artifact or any folder), which precision variant, where it runs (the System
// page's choice unless overridden), sampling, and how many episodes share one
// model call.
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import { ONNX_VARIANTS, type OnnxProviderChoice } from '../../../../preload/contract';
import { useOnnxModels } from './useOnnxModels';
import { FolderField } from '../../project/FolderField';

export interface OnnxFields {
  modelDir: string;
  artifactId: string | null;
  variant: 'auto' | (typeof ONNX_VARIANTS)[number];
  provider: OnnxProviderChoice | null;
  maxBatch: number | null;
}

export const DEFAULT_ONNX_FIELDS: OnnxFields = { modelDir: '', artifactId: null, variant: 'auto', provider: null, maxBatch: null };

export function OnnxPolicyFields({ value, onChange, onError }: { value: OnnxFields; onChange: (v: OnnxFields) => void; onError: (m: string) => void }) {
  const models = useOnnxModels();
  const playable = (models.data ?? []).filter((m) => !m.error);
  const set = (patch: Partial<OnnxFields>) => onChange({ ...value, ...patch });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }}>
      {playable.length > 0 && (
        <TextField
          select
          size="small"
          label="Model from this project"
          value={value.artifactId ?? ''}
          sx={{ maxWidth: 520 }}
          onChange={(e) => {
            const m = playable.find((x) => x.artifact.id === e.target.value);
            set({ artifactId: m?.artifact.id ?? null, modelDir: m?.artifact.path ?? value.modelDir });
          }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rollout-onnx-artifact' } }}
        >
          <option value="">(a folder, below)</option>
          {playable.map((m) => (
            <option key={m.artifact.id} value={m.artifact.id}>
              {m.artifact.name} — {m.variants.join(', ')}
            </option>
          ))}
        </TextField>
      )}
      <FolderField
        id="rollout-onnx-dir"
        label="ONNX model folder"
        value={value.modelDir}
        testId="rollout-onnx-dir"
        browseTitle="Choose an ONNX export (config.json, tokenizer.json, onnx/)"
        helperText="A transformers.js-layout export: onnx/vision_encoder, embed_tokens and decoder_model_merged (fp32, fp16, int8, q4 … variants)."
        onChange={(modelDir) => set({ modelDir, artifactId: null })}
        onError={onError}
      />
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
        <TextField
          select
          size="small"
          label="Precision"
          value={value.variant}
          onChange={(e) => set({ variant: e.target.value as OnnxFields['variant'] })}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rollout-onnx-variant' } }}
          sx={{ minWidth: 160 }}
        >
          <option value="auto">auto (the export's choice)</option>
          {ONNX_VARIANTS.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Runs on"
          value={value.provider ?? ''}
          onChange={(e) => set({ provider: (e.target.value || null) as OnnxProviderChoice | null })}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'rollout-onnx-provider' }, inputLabel: { shrink: true } }}
          sx={{ minWidth: 200 }}
        >
          <option value="">System page's choice</option>
          <option value="cpu">CPU</option>
          <option value="cuda">CUDA</option>
          <option value="coreml">CoreML</option>
          <option value="dml">DirectML</option>
        </TextField>
        <TextField
          label="Episodes per model call"
          type="number"
          size="small"
          value={value.maxBatch ?? ''}
          placeholder="= in parallel"
          onChange={(e) => set({ maxBatch: e.target.value === '' ? null : Number(e.target.value) })}
          slotProps={{ htmlInput: { min: 1, 'data-testid': 'rollout-onnx-batch' } }}
        />
      </Box>
    </Box>
  );
}
