// What runs produce and consume: artifact kinds and the artifact record every step shows.
import { z } from 'zod';

/** The name a user gives a run's output (it names its folder too); emptyMessage: the error when left empty. */
export const outputName = (emptyMessage?: string) =>
  z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(120)
    .regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes or underscores');

/** A seed that fits every consumer (numpy, torch, our own generators). */
export const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31);

// What a run produces or consumes. Later steps add their own kinds here.
export const ARTIFACT_KINDS = [
  'trajectories', // rollout output / imported ARLArena JSON
  'dataset-json', // reviewed, accepted set exported by Filter & review
  'dataset-parquet', // Convert output
  'base-model', // Hugging Face model folder
  'adapter', // PEFT LoRA adapter folder
  'merged-model', // merged checkpoint folder
  'rl-launch', // verl-agent launch folder
  'onnx-model', // ONNX export (transformers.js layout) played by the local policy
  'file', // anything else
] as const;
export const ArtifactKind = z.enum(ARTIFACT_KINDS);
export type ArtifactKind = z.infer<typeof ArtifactKind>;

export const Artifact = z.object({
  id: z.string(),
  kind: ArtifactKind,
  name: z.string(),
  path: z.string(), // absolute on this machine
  inProject: z.boolean(),
  sizeBytes: z.number(),
  sha256: z.string().nullable(),
  createdAt: z.string(),
  producedByRunId: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()),
});
export type Artifact = z.infer<typeof Artifact>;
