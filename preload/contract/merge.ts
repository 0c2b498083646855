// Step 6 (Merge & export): an adapter merged into its base, and a merged folder exported elsewhere.
import { z } from 'zod';
import { outputName } from './artifacts';

export const MergeRunConfig = z.object({
  baseArtifactId: z.string().min(1, 'choose a base model'),
  adapterArtifactId: z.string().min(1, 'choose an adapter'),
  name: outputName().optional(),
  // bf16 shards by default (what vLLM/verl load); keep = the base's own dtypes.
  outDtype: z.enum(['bf16', 'keep']).default('bf16'),
  // peft: the rounding order of PEFT's merge_and_unload; single: one rounding from float64.
  rounding: z.enum(['peft', 'single']).default('peft'),
});

export const ExportMergedConfig = z.object({
  artifactId: z.string().min(1, 'choose a merged model'),
  dest: z.string().min(1, 'a destination folder is required'),
  mode: z.enum(['copy', 'link']).default('link'),
});
