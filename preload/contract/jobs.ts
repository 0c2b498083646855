// Job kinds the renderer can start, each with the config it takes. The core
// registers a runner per kind; a kind listed here without a runner is an error.
import { z } from 'zod';
import { ArtifactKind } from './models';

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

export const JobStart = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('artifact.import'), config: ImportArtifactConfig }),
  z.object({ kind: z.literal('project.verify'), config: VerifyArtifactsConfig }),
]);
export type JobStart = z.infer<typeof JobStart>;
export type JobKind = JobStart['kind'];
export type JobConfig<K extends JobKind> = Extract<JobStart, { kind: K }>['config'];
export const JOB_KINDS = JobStart.options.map((o) => o.shape.kind.value);
