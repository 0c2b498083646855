// Steps 5 and 7 and the cluster export: Hub sign-in and upload, the verl-agent
// GiGPO launch folder, and the TRL + accelerate training project.
// Only zod and ./train: jobs.ts imports these schemas for JobStart, so importing from it here would be a cycle.
import { z } from 'zod';
import { TrainConfig } from './train';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

// A mirror or enterprise hub; credentials belong in sign-in, never in the URL (it is stored with the job).
export const HubEndpoint = z
  .string()
  .trim()
  .url('endpoint must be a URL such as https://huggingface.co')
  .refine((u) => /^https?:\/\//i.test(u), 'endpoint must start with http:// or https://')
  .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), 'endpoint must not carry a user name or password; sign in with a token instead');

export const HubSignInParams = z.object({
  token: z
    .string()
    .trim()
    .min(1, 'token is required')
    .regex(/^hf_[A-Za-z0-9]+$/, 'token must be a Hugging Face access token (it starts with hf_)'),
  endpoint: HubEndpoint.optional(),
});
export type HubSignInParams = z.infer<typeof HubSignInParams>;

/** Who the stored token belongs to; never the token itself. */
export const HubAccount = z.object({
  name: z.string(),
  type: z.enum(['user', 'org', 'app']),
  orgs: z.array(z.string()),
  endpoint: z.string(),
  // env: HF_TOKEN; file: encrypted file; keychain: the OS keychain (Electron safeStorage).
  source: z.enum(['env', 'file', 'keychain']),
});
export type HubAccount = z.infer<typeof HubAccount>;

export const HubStatus = z.object({ signedIn: z.boolean(), account: HubAccount.nullable() });
export type HubStatus = z.infer<typeof HubStatus>;

/** One recorded upload (project table hub_uploads). */
export const HubUpload = z.object({
  id: z.string(),
  artifactId: z.string().nullable(),
  runId: z.string().nullable(),
  endpoint: z.string(),
  repo: z.string(),
  revision: z.string(),
  commitOid: z.string().nullable(),
  commitUrl: z.string(),
  private: z.boolean(),
  files: z.number().int(),
  bytes: z.number(),
  createdAt: z.string(),
});
export type HubUpload = z.infer<typeof HubUpload>;

const REPO_PART = /^[A-Za-z0-9](?:[\w.-]{0,94}[A-Za-z0-9])?$/;

export const HubRepoName = z
  .string()
  .trim()
  .min(1, 'repo is required')
  .refine((r) => {
    const parts = r.split('/');
    return parts.length <= 2 && parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.includes('..'));
  }, 'repo must be "name" or "namespace/name" (letters, digits, "-", "_", "."; at most 96 characters each)');

// A model's id on the Hub ("Qwen/Qwen3-VL-4B-Instruct"; a legacy one-part id such as "gpt2"):
// what adapter_config.json's base_model_name_or_path and a card's base_model must hold, never a local path.
export const HubModelId = z
  .string()
  .trim()
  .min(1, 'a Hub id is required')
  .refine((r) => {
    const parts = r.split('/');
    return parts.length <= 2 && parts.every((p) => REPO_PART.test(p) && !p.includes('--') && !p.includes('..'));
  }, 'a Hub model id is "namespace/name", e.g. Qwen/Qwen3-VL-4B-Instruct (not a folder path)');

export const UploadConfig = z.object({
  artifactId: z.string().min(1, 'choose an adapter or a merged model'),
  // "name" uploads under the signed-in account; "org/name" under an organisation.
  repo: HubRepoName,
  private: z.boolean().default(true),
  // Create the repo when it does not exist (an existing one is reused as it is).
  create: z.boolean().default(true),
  endpoint: HubEndpoint.optional(),
  commitMessage: z.string().trim().min(1).max(500).optional(),
  // The adapter's base model on the Hub, when the project cannot tell (a base imported from a plain
  // folder): written into the uploaded adapter_config.json and remembered on the base artifact.
  baseModelId: HubModelId.optional(),
});
export type UploadConfig = z.infer<typeof UploadConfig>;

// The studio's games that verl-agent's make_envs knows (Sokoban and the gym_cards games), a
// subset of GAME_IDS; FrozenLake is only a text env in RAGEN there.
export const RL_GAMES = ['sokoban', 'points24', 'ezpoints', 'numberline', 'blackjack'] as const;

const positive = (max: number) => z.number().int().min(1).max(max);

// Defaults: ARLArena's train_gigpo_ablation.sh (arlarena.md §7.2) with the GiGPO estimator.
export const GigpoHyperParams = z.object({
  groupSize: positive(64).default(8), // env.rollout.n: episodes per level
  trainDataSize: positive(4096).default(32), // env groups per step (data.train_batch_size)
  valDataSize: positive(4096).default(128),
  ppoMiniBatchSize: positive(65536).default(64),
  ppoMicroBatchSizePerGpu: positive(1024).default(8),
  logProbMicroBatchSizePerGpu: positive(1024).default(16),
  lr: z.number().gt(0).max(1).default(1e-6),
  lrWarmupStepsRatio: z.number().min(0).max(1).default(0.1),
  useKlLoss: z.boolean().default(true),
  klLossCoef: z.number().min(0).max(10).default(0.001),
  klLossType: z.enum(['low_var_kl', 'kl', 'abs', 'mse']).default('low_var_kl'),
  entropyCoeff: z.number().min(0).max(1).default(0),
  rolloutEngine: z.enum(['vllm', 'sglang']).default('vllm'),
  tensorParallelSize: positive(64).default(1),
  gpuMemoryUtilization: z.number().gt(0).max(1).default(0.5),
  maxTurns: positive(500).default(15), // env.max_steps
  maxPromptLength: positive(131072).default(1024),
  maxResponseLength: positive(131072).default(500),
  gamma: z.number().min(0).max(1).default(0.95),
  stepAdvantageW: z.number().min(0).max(100).default(1.0),
  gigpoMode: z.enum(['mean_std_norm', 'mean_norm']).default('mean_std_norm'),
  invalidActionPenaltyCoef: z.number().min(0).max(10).default(0.1),
  valTemperature: z.number().min(0).max(2).default(0.4),
  paramOffload: z.boolean().default(true),
  totalEpochs: positive(100000).default(150),
  saveFreq: z.number().int().min(-1).max(100000).default(10),
  testFreq: z.number().int().min(-1).max(100000).default(5),
  gpusPerNode: positive(64).default(4),
  nodes: positive(1024).default(1),
  seed: z.number().int().min(0).max(2 ** 31).default(0),
  // wandb needs a login on the cluster; console always works.
  loggers: z.array(z.enum(['console', 'wandb', 'tensorboard'])).min(1).default(['console']),
  projectName: z.string().trim().regex(/^[\w.-]{1,100}$/, 'use letters, digits, ".", "-" or "_"').optional(),
});

export const RlHandoffConfig = GigpoHyperParams.extend({
  mergedArtifactId: z.string().min(1, 'choose a merged model'),
  game: z.enum(RL_GAMES, { error: (iss) => `verl-agent has no ${String(iss.input)} environment; choose one of ${RL_GAMES.join(', ')}` }).default('sokoban'),
  // The game's own settings (room size, boxes…); the rendered frames and the env arguments follow them.
  gameSettings: z.record(z.string(), z.unknown()).default({}),
  name: z.string().trim().min(1).max(120).regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes or underscores').optional(),
}).superRefine((c, ctx) => {
  if (c.tensorParallelSize > c.gpusPerNode)
    ctx.addIssue({ code: 'custom', path: ['tensorParallelSize'], message: `cannot be more than the GPUs per node (${c.gpusPerNode})` });
  else if ((c.gpusPerNode * c.nodes) % c.tensorParallelSize !== 0)
    ctx.addIssue({ code: 'custom', path: ['tensorParallelSize'], message: `the ${c.gpusPerNode * c.nodes} GPUs must split evenly into tensor-parallel groups of ${c.tensorParallelSize}` });
  if (c.ppoMicroBatchSizePerGpu > c.ppoMiniBatchSize)
    ctx.addIssue({ code: 'custom', path: ['ppoMicroBatchSizePerGpu'], message: 'the micro-batch per GPU cannot be larger than the PPO mini-batch size' });
});
export type RlHandoffConfig = z.infer<typeof RlHandoffConfig>;

export const RlLaunchConfig = z.object({
  launchArtifactId: z.string().min(1, 'choose a launch folder'),
  // A verl-agent (or ARLArena) checkout to run from; else python3 must import verl and agent_system as installed.
  verlAgentDir: z.string().min(1).optional(),
  // Extra Hydra overrides appended to the command line, e.g. trainer.total_epochs=1.
  extraArgs: z.array(z.string().min(1).max(1000).regex(/^[\w.+~-]+=/, 'each extra argument must be key=value')).max(200).default([]),
});
export type RlLaunchConfig = z.infer<typeof RlLaunchConfig>;


// The Train form's settings without what names this project's inputs: the one config a local run
// (train.run) and the cluster export (train.export) are both built from.
export const TrainHyperParams = TrainConfig.omit({ baseArtifactId: true, datasetArtifactId: true, name: true, resumeFrom: true, initAdapterFrom: true });
export type TrainHyperParams = z.output<typeof TrainHyperParams>;

export const TrainExportConfig = z.object({
  datasetArtifactId: z.string().min(1, 'choose a converted dataset'),
  // A local model folder or a Hub id such as Qwen/Qwen3-VL-4B-Instruct.
  baseModel: z.string().trim().min(1, 'give the base model: a folder or a Hub id'),
  name: z.string().trim().min(1).max(120).regex(/^[\w.\- ]+$/, 'use letters, digits, spaces, dots, dashes or underscores').optional(),
  // Where to write the project; inside this project's artifacts when absent.
  dest: z.string().min(1).optional(),
  // The run's hyper-parameters, exactly as the Train form sends them for a local run.
  train: TrainHyperParams.default(() => TrainHyperParams.parse({})),
  strategy: z.enum(['deepspeed-zero2', 'deepspeed-zero3', 'fsdp']).default('deepspeed-zero2'),
  gpus: positive(64).default(8), // per machine
  nodes: positive(1024).default(1),
  dataMode: z.enum(['copy', 'link']).default('link'),
});
export type TrainExportConfig = z.infer<typeof TrainExportConfig>;
