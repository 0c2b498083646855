// The native engine as a rollout/evaluation policy: a Qwen3-VL model folder (a base, or a merged model),
// optionally with a LoRA adapter on top (a checkpoint of a run, or any PEFT adapter), played on CPU or CUDA.
import { z } from 'zod';

export const EngineDevice = z.string().regex(/^(cpu|cuda(:\d+)?)$/, 'device is cpu, cuda or cuda:N');

export const EngineSampling = {
  // 0: greedy. Above 0: sampled with top_p, seeded per (task, sample, turn) so a rollout replays.
  temperature: z.number().min(0).max(2).default(0),
  topP: z.number().gt(0).max(1).default(1),
  maxTokens: z.number().int().min(1).max(32768).default(500),
  // null: CUDA when the engine sees a device, else the CPU.
  device: EngineDevice.nullable().default(null),
  // null: bfloat16 on CUDA, float32 on the CPU.
  dtype: z.enum(['float32', 'bfloat16']).nullable().default(null),
  // Episodes answered by one generate call; null: the job's concurrency.
  maxBatch: z.number().int().min(1).max(256).nullable().default(null),
};

export const EnginePolicy = z.object({
  type: z.literal('engine'),
  // The model: a project artifact (base or merged model) or a folder; one of the two.
  modelArtifactId: z.string().min(1).optional(),
  modelDir: z.string().min(1).optional(),
  // A LoRA adapter on top: a project adapter artifact (a run's checkpoint) or a PEFT adapter folder.
  adapterArtifactId: z.string().min(1).optional(),
  adapterDir: z.string().min(1).optional(),
  ...EngineSampling,
});
