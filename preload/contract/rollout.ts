// Step 1 (Rollout): who plays (the expert, an OpenAI-compatible endpoint, a local ONNX model or the
// engine), the rollout's settings, imports of ARLArena trajectory files, and the step's requests.
import { z } from 'zod';
import { OnnxProviderChoice } from './app';
import { Artifact, Seed } from './artifacts';
import { EnginePolicy } from './enginePolicy';
import { GAME_IDS } from './games';

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
  seed: Seed.default(0),
  historyTurns: z.number().int().min(0).max(50).default(0),
  concurrency: z.number().int().min(1).max(256).default(4),
  policy: z.discriminatedUnion('type', [z.object({ type: z.literal('expert') }), EndpointPolicy, OnnxPolicy, EnginePolicy]).default({ type: 'expert' }),
  // Continue a stopped rollout: finished (task, sample) pairs are kept, the rest are played.
  resumeRolloutId: z.string().optional(),
});

export const ImportTrajectoriesConfig = z.object({
  // Files, or folders whose *.json files are read (ARLArena's high_score_multiturn_texts_seed{N}.json).
  paths: z.array(z.string().min(1)).min(1, 'give at least one file or folder'),
  game: z.enum(GAME_IDS).default('sokoban'),
  name: z.string().trim().min(1).max(120).optional(),
});

// A model artifact the local ONNX policy can play: an ONNX export, or a model folder with one in onnx/.
export const OnnxModelEntry = z.object({
  artifact: Artifact,
  variants: z.array(z.string()),
  error: z.string().nullable(), // why it cannot be played, e.g. a graph missing
});
export type OnnxModelEntry = z.infer<typeof OnnxModelEntry>;

const none = z.object({}).strict();

export const rolloutMethods = {
  'rollout.onnxModels': { params: none, result: z.array(OnnxModelEntry) },
  // "Test connection": reachable, serves the model, answers one tiny chat completion (the key is used, never stored).
  'rollout.testEndpoint': {
    params: z
      .object({
        baseUrl: z.string().url('baseUrl must be a URL such as http://127.0.0.1:8000/v1'),
        model: z.string().min(1, 'model is required'),
        apiKey: z.string().optional(),
        timeoutMs: z.number().int().min(100).max(120_000).optional(),
      })
      .strict(),
    result: z.object({ ok: z.boolean(), message: z.string(), models: z.array(z.string()), latencyMs: z.number().nullable() }),
  },
} as const;
