// Job kinds the renderer can start, each with the config it takes. The core
// registers a runner per kind; a kind listed here without a runner is an error.
import { z } from 'zod';
import { ArtifactKind, FilterRules, OnnxProviderChoice, StepId } from './models';
import { ConvertConfig } from './convert';
import { TrainConfig } from './train';
import { HubModelId, RlHandoffConfig, RlLaunchConfig, TrainExportConfig, UploadConfig } from './handoff';
import { EnginePolicy } from './enginePolicy';
import { EvaluateConfig } from './evaluate';
import { GAME_IDS } from './games';

export { GAME_IDS } from './games';
export { EnginePolicy } from './enginePolicy';

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

export const EndpointPolicy = z.object({
  type: z.literal('openai'),
  baseUrl: z.string().url('baseUrl must be a URL such as http://127.0.0.1:8000/v1'),
  model: z.string().min(1, 'model is required'),
  // Used for the requests, never stored: persisted configs show it redacted.
  apiKey: z.string().optional(),
  temperature: z.number().min(0).max(2).default(0.4),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(32768).default(500),
  timeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
  retries: z.number().int().min(0).max(10).default(3),
});

// transformers.js' precision names for the graph files of an ONNX export.
export const ONNX_VARIANTS = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

export const OnnxPolicy = z.object({
  type: z.literal('onnx'),
  modelDir: z.string().min(1, 'choose the folder of an ONNX export (config.json, tokenizer, onnx/)'),
  // The project artifact the folder is (recorded as the rollout's input), when it is one.
  artifactId: z.string().min(1).optional(),
  variant: z.enum(['auto', ...ONNX_VARIANTS]).default('auto'),
  // null: the provider chosen on the System page.
  provider: OnnxProviderChoice.nullable().default(null),
  temperature: z.number().min(0).max(2).default(0.4),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(32768).default(500),
  // Episodes answered by one model call; null: the rollout's concurrency.
  maxBatch: z.number().int().min(1).max(256).nullable().default(null),
});

export const RolloutConfig = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  game: z.enum(GAME_IDS).default('sokoban'),
  settings: z.record(z.string(), z.unknown()).default({}),
  tasks: z.number().int().min(1).max(100_000).default(16),
  samplesPerTask: z.number().int().min(1).max(64).default(1),
  seed: z.number().int().min(0).max(2 ** 31).default(0),
  historyTurns: z.number().int().min(0).max(50).default(0),
  concurrency: z.number().int().min(1).max(256).default(4),
  policy: z.discriminatedUnion('type', [z.object({ type: z.literal('expert') }), EndpointPolicy, OnnxPolicy, EnginePolicy]).default({ type: 'expert' }),
  // Continue a stopped rollout: finished (task, sample) pairs are kept, the rest are played.
  resumeRolloutId: z.string().optional(),
});

export const ExportDatasetConfig = z.object({
  name: z.string().trim().min(1, 'a dataset name is required').max(120).regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes or underscores'),
  rules: FilterRules.default({}),
  filterId: z.string().optional(),
  // jsonl: our documented format (every turn with its own frame); arlarena: the JSON the ARLArena scripts read.
  format: z.enum(['jsonl', 'arlarena']).default('jsonl'),
});

export const ImportTrajectoriesConfig = z.object({
  // Files, or folders whose *.json files are read (ARLArena's high_score_multiturn_texts_seed{N}.json).
  paths: z.array(z.string().min(1)).min(1, 'give at least one file or folder'),
  game: z.enum(GAME_IDS).default('sokoban'),
  name: z.string().trim().min(1).max(120).optional(),
});

// `step` files the run under the wizard step it was started from (an import
// started on Merge shows among Merge's jobs); kinds that belong to a step keep theirs.
const start = <K extends string, C extends z.ZodTypeAny>(kind: K, config: C) =>
  z.object({ kind: z.literal(kind), config, step: StepId.optional() }).strict();

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
