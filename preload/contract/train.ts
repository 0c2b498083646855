// Step 4 (Train): a LoRA SFT run's settings (local, or exported as a TRL + accelerate project for a
// cluster), the memory estimate, the devices this machine offers, and the step's requests.
import { z } from 'zod';
import { outputName, Seed } from './artifacts';

// The language model's projections LoRA trains: the one list (the engine's C++ default, the test helpers'
// Python side and the cluster export's train_config.json follow it; test/unit/contract/loraTargets.test.ts).
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

// Real adapters scale their update by alpha/r (alpha/√r with rsLoRA) of about 0.1–64; far beyond
// that training diverges and a merge overflows (the merge refuses the same bound).
export const MAX_LORA_SCALE = 1000;

export const TrainLora = z
  .object({
    r: z.number().int().min(1, 'rank must be at least 1').max(512).default(32),
    alpha: z.number().positive('alpha must be positive').default(32),
    dropout: z.number().min(0).max(0.9).default(0),
    rslora: z.boolean().default(false),
    targets: z
      .array(z.enum(LORA_TARGETS))
      .min(1, 'choose at least one projection')
      .default([...LORA_TARGETS]),
  })
  .superRefine((l, ctx) => {
    const scale = l.rslora ? l.alpha / Math.sqrt(l.r) : l.alpha / l.r;
    if (!Number.isFinite(scale) || scale > MAX_LORA_SCALE)
      ctx.addIssue({
        code: 'custom',
        path: ['alpha'],
        message: `alpha ${l.alpha} with r=${l.r}${l.rslora ? ' (rsLoRA)' : ''} gives a LoRA scale of ${scale}; at most ${MAX_LORA_SCALE} trains`,
      });
  });

export const TrainConfig = z.object({
  baseArtifactId: z.string().min(1, 'choose a base model'),
  datasetArtifactId: z.string().min(1, 'choose a converted (TRL Parquet) dataset'),
  name: outputName().optional(),
  lora: TrainLora.default({ r: 32, alpha: 32, dropout: 0, rslora: false, targets: [...LORA_TARGETS] }),
  lr: z.number().gt(0, 'lr must be positive').max(1).default(2e-4),
  warmupSteps: z.number().int().min(0).default(5),
  schedule: z.enum(['linear', 'cosine', 'constant']).default('linear'),
  // adamw-8bit: the moments stored 8-bit block-wise (a quarter of the memory), as the notebook's adamw_8bit.
  optimizer: z.enum(['adamw', 'adamw-8bit']).default('adamw'),
  weightDecay: z.number().min(0).max(1).default(0),
  maxGradNorm: z.number().min(0).default(1),
  // How an accumulated batch's loss is averaged: every target token equally (tokens), or each micro-batch's
  // mean loss averaged (micro-batch), as transformers' Trainer does for Qwen3-VL (the notebook's numbers).
  lossAverage: z.enum(['tokens', 'micro-batch']).default('tokens'),
  batchSize: z.number().int().min(1).max(256).default(2),
  gradAccum: z.number().int().min(1).max(1024).default(8),
  epochs: z.number().int().min(1).max(1000).default(1),
  // Within a step, put samples of similar length in the same micro-batch (less padding, same loss).
  groupByLength: z.boolean().default(true),
  // Sequence packing: a step's samples packed into rows of at most packTokens tokens, each sample
  // attending only to itself (no padding computed; the same loss). Replaces batchSize's micro-batches.
  packing: z.boolean().default(false),
  packTokens: z.number().int().min(64).max(1_048_576).default(4096),
  // Recompute each decoder layer in the backward pass: activations of one layer instead of all.
  gradientCheckpointing: z.boolean().default(false),
  // Stop after this many optimizer steps (else epochs decide).
  maxSteps: z.number().int().min(1).optional(),
  // Validation loss every N steps (0: only at the end) and a checkpoint every N steps (0: only at the end).
  evalEvery: z.number().int().min(0).default(0),
  saveEvery: z.number().int().min(0).default(50),
  // Held-out prompts answered by the adapter at each evaluation and after the final save (0: none).
  // A failure there is logged as a warning; it never fails the run.
  samples: z.number().int().min(0).max(16).default(3),
  sampleMaxTokens: z.number().int().min(1).max(4096).default(48),
  // A NaN/inf loss or gradient norm: fail the run ("loss became NaN at step N") or keep training.
  onNonFinite: z.enum(['fail', 'continue']).default('fail'),
  seed: Seed.default(0),
  dtype: z.enum(['float32', 'bfloat16']).default('float32'),
  // QLoRA: the decoder's projections stored as 4-bit NF4 (nf4-dq: with double-quantised block scales).
  quant: z.enum(['none', 'nf4', 'nf4-dq']).default('none'),
  device: z
    .string()
    .regex(/^(cpu|cuda(:\d+)?)$/, 'device is cpu, cuda or cuda:N')
    .default('cpu'),
  // Continue from a checkpoint artifact of an earlier run with the same settings.
  resumeFrom: z.string().min(1).optional(),
  // Continue a stopped run from its newest complete checkpoint (found and checked by the job; half-written ones skipped).
  resumeRunId: z.string().min(1).optional(),
  // Start the LoRA weights from an existing PEFT adapter artifact (its r, alpha and targets are used);
  // a new run with its own optimizer and schedule, unlike resumeFrom.
  initAdapterFrom: z.string().min(1).optional(),
});

export const TrainEstimateParams = z.object({
  baseArtifactId: z.string().min(1),
  datasetArtifactId: z.string().min(1).optional(),
  lora: TrainLora.default({ r: 32, alpha: 32, dropout: 0, rslora: false, targets: [...LORA_TARGETS] }),
  dtype: z.enum(['float32', 'bfloat16']).default('bfloat16'),
  quant: z.enum(['none', 'nf4', 'nf4-dq']).default('none'),
  optimizer: z.enum(['adamw', 'adamw-8bit']).default('adamw'),
  batchSize: z.number().int().min(1).default(2),
  gradientCheckpointing: z.boolean().default(false),
});

export const TrainEstimate = z.object({
  weightsBytes: z.number(),
  loraBytes: z.number(),
  activationBytes: z.number(),
  totalBytes: z.number(),
  seqLen: z.number(),
  seqLenSource: z.string(),
  gpus: z.array(z.object({ name: z.string(), totalMemoryBytes: z.number() })),
});

// What the machine offers for training (the engine's libtorch): the Train form's default device and why.
export const TrainDevices = z.object({ cuda: z.boolean(), cudaDevices: z.number().int(), default: z.enum(['cpu', 'cuda']), reason: z.string() });

// The Train form's settings without what names this project's inputs: the one config a local run
// (train.run) and the cluster export (train.export) are both built from.
export const TrainHyperParams = TrainConfig.omit({ baseArtifactId: true, datasetArtifactId: true, name: true, resumeFrom: true, initAdapterFrom: true });
export type TrainHyperParams = z.output<typeof TrainHyperParams>;

const positive = (max: number) => z.number().int().min(1).max(max);

export const TrainExportConfig = z.object({
  datasetArtifactId: z.string().min(1, 'choose a converted dataset'),
  // A local model folder or a Hub id such as Qwen/Qwen3-VL-4B-Instruct.
  baseModel: z.string().trim().min(1, 'give the base model: a folder or a Hub id'),
  name: outputName().optional(),
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

const none = z.object({}).strict();

export const trainMethods = {
  'train.estimate': { params: TrainEstimateParams.strict(), result: TrainEstimate },
  'train.devices': { params: none, result: TrainDevices },
} as const;
