// Job kinds the renderer can start, each with the config it takes (the steps' own configs live in
// their files; the two that belong to no step are here). The core registers a runner per kind; a kind
// listed here without a runner is an error.
import { z } from 'zod';
import { StepId } from './app';
import { ArtifactKind } from './artifacts';
import { ConvertConfig } from './convert';
import { EvaluateConfig } from './evaluate';
import { ExportDatasetConfig } from './filter';
import { ExportMergedConfig, MergeRunConfig } from './merge';
import { RlHandoffConfig, RlLaunchConfig } from './rl';
import { ImportTrajectoriesConfig, RolloutConfig } from './rollout';
import { TrainConfig, TrainExportConfig } from './train';
import { HubModelId, UploadConfig } from './upload';

export const ImportArtifactConfig = z.object({
  path: z.string().min(1, 'path is required'),
  kind: ArtifactKind,
  name: z.string().min(1).max(200).optional(),
  // copy: into the project's artifacts/ tree; reference: hash and record where it is.
  mode: z.enum(['copy', 'reference']).default('reference'),
  // For a base or merged model: its id on the Hub, so adapters trained on it name it and not this folder.
  hubId: HubModelId.optional(),
});

export const VerifyArtifactsConfig = z.object({
  kinds: z.array(ArtifactKind).optional(),
});

// `step` files the run under the wizard step it was started from (an import
// started on Merge shows among Merge's jobs); kinds that belong to a step keep theirs.
const start = <K extends string, C extends z.ZodTypeAny>(kind: K, config: C) => z.object({ kind: z.literal(kind), config, step: StepId.optional() }).strict();

export const JobStart = z.discriminatedUnion('kind', [
  start('artifact.import', ImportArtifactConfig),
  start('project.verify', VerifyArtifactsConfig),
  start('rollout.run', RolloutConfig),
  start('review.export', ExportDatasetConfig),
  start('rollout.import', ImportTrajectoriesConfig),
  start('merge.run', MergeRunConfig),
  start('merge.export', ExportMergedConfig),
  start('convert.run', ConvertConfig),
  start('train.run', TrainConfig),
  start('upload.run', UploadConfig),
  start('rl.handoff', RlHandoffConfig),
  start('rl.launch', RlLaunchConfig),
  start('train.export', TrainExportConfig),
  start('evaluate.run', EvaluateConfig),
]);
export type JobStart = z.infer<typeof JobStart>;
export type JobKind = JobStart['kind'];
export type JobConfig<K extends JobKind> = Extract<JobStart, { kind: K }>['config'];
export const JOB_KINDS = JobStart.options.map((o) => o.shape.kind.value);
