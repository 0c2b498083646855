// Step 7 (RL handoff): the verl-agent GiGPO launch folder made from a merged model, and running it.
import { z } from 'zod';
import { outputName, Seed } from './artifacts';

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
  seed: Seed.default(0),
  // wandb needs a login on the cluster; console always works.
  loggers: z
    .array(z.enum(['console', 'wandb', 'tensorboard']))
    .min(1)
    .default(['console']),
  projectName: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,100}$/, 'use letters, digits, ".", "-" or "_"')
    .optional(),
});

export const RlHandoffConfig = GigpoHyperParams.extend({
  mergedArtifactId: z.string().min(1, 'choose a merged model'),
  game: z.enum(RL_GAMES, { error: (iss) => `verl-agent has no ${String(iss.input)} environment; choose one of ${RL_GAMES.join(', ')}` }).default('sokoban'),
  // The game's own settings (room size, boxes…); the rendered frames and the env arguments follow them.
  gameSettings: z.record(z.string(), z.unknown()).default({}),
  name: outputName().optional(),
}).superRefine((c, ctx) => {
  if (c.tensorParallelSize > c.gpusPerNode) ctx.addIssue({ code: 'custom', path: ['tensorParallelSize'], message: `cannot be more than the GPUs per node (${c.gpusPerNode})` });
  else if ((c.gpusPerNode * c.nodes) % c.tensorParallelSize !== 0)
    ctx.addIssue({
      code: 'custom',
      path: ['tensorParallelSize'],
      message: `the ${c.gpusPerNode * c.nodes} GPUs must split evenly into tensor-parallel groups of ${c.tensorParallelSize}`,
    });
  if (c.ppoMicroBatchSizePerGpu > c.ppoMiniBatchSize)
    ctx.addIssue({ code: 'custom', path: ['ppoMicroBatchSizePerGpu'], message: 'the micro-batch per GPU cannot be larger than the PPO mini-batch size' });
});
export type RlHandoffConfig = z.infer<typeof RlHandoffConfig>;

export const RlLaunchConfig = z.object({
  launchArtifactId: z.string().min(1, 'choose a launch folder'),
  // A verl-agent (or ARLArena) checkout to run from; else python3 must import verl and agent_system as installed.
  verlAgentDir: z.string().min(1).optional(),
  // Extra Hydra overrides appended to the command line, e.g. trainer.total_epochs=1.
  extraArgs: z
    .array(
      z
        .string()
        .min(1)
        .max(1000)
        .regex(/^[\w.+~-]+=/, 'each extra argument must be key=value'),
    )
    .max(200)
    .default([]),
});
export type RlLaunchConfig = z.infer<typeof RlLaunchConfig>;
