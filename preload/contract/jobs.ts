// Job kinds the renderer can start, each with the config it takes. The core
// registers a runner per kind; a kind listed here without a runner is an error.
import { z } from 'zod';
import { ArtifactKind, StepId } from './models';

export const ImportArtifactConfig = z.object({
  path: z.string().min(1, 'path is required'),
  kind: ArtifactKind,
  name: z.string().min(1).max(200).optional(),
  // copy: into the project's artifacts/ tree; reference: hash and record where it is.
  mode: z.enum(['copy', 'reference']).default('reference'),
});

export const VerifyArtifactsConfig = z.object({
  kinds: z.array(ArtifactKind).optional(),
});

export const MergeRunConfig = z.object({
  baseArtifactId: z.string().min(1, 'choose a base model'),
  adapterArtifactId: z.string().min(1, 'choose an adapter'),
  name: z.string().trim().min(1).max(120).regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes or underscores').optional(),
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

// `step` files the run under the wizard step it was started from (an import
// started on Merge shows among Merge's jobs); kinds that belong to a step keep theirs.
const start = <K extends string, C extends z.ZodTypeAny>(kind: K, config: C) =>
  z.object({ kind: z.literal(kind), config, step: StepId.optional() }).strict();

export const JobStart = z.discriminatedUnion('kind', [
  start('artifact.import', ImportArtifactConfig),
  start('project.verify', VerifyArtifactsConfig),
  start('merge.run', MergeRunConfig),
  start('merge.export', ExportMergedConfig),
]);
export type JobStart = z.infer<typeof JobStart>;
export type JobKind = JobStart['kind'];
export type JobConfig<K extends JobKind> = Extract<JobStart, { kind: K }>['config'];
export const JOB_KINDS = JobStart.options.map((o) => o.shape.kind.value);
