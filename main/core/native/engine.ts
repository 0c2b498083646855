// Loads the training engine (native/engine: Qwen3-VL on libtorch, Node-API).
// It is a separate binary from the core addon so the app runs without
// libtorch; then engineState() says why training is unavailable.
import type { EngineBatch } from '../model/encode';
import { openBinary } from './openBinary';

export interface EngineModel {
  handle: unknown;
  parameters: number;
  /** Bytes the loaded weights take (4-bit projections count as such). */
  weightBytes: number;
  vocab: number;
  imageTokenId: number;
}

export interface ForwardResult {
  logits?: Float32Array;
  logitsShape?: number[];
  loss: number | null;
}

export interface LoraSettings {
  r: number;
  alpha: number;
  rslora?: boolean;
  dropout?: number;
  /** Projection names of the language model (q_proj … down_proj). */
  targets?: string[];
  seed?: number;
}

export interface OptimSettings {
  lr: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  maxGradNorm?: number;
  warmupSteps?: number;
  totalSteps: number;
  schedule?: 'linear' | 'cosine' | 'constant';
  /**
   * How an accumulated batch's loss is averaged: 'tokens' (default) weighs every target token equally;
   * 'micro-batch' averages each micro-batch's mean loss, as transformers' Trainer does for Qwen3-VL.
   */
  lossAverage?: 'tokens' | 'micro-batch';
  /** 8-bit AdamW moments (block-wise int8 / uint8 of the square root), a quarter of the fp32 states' memory. */
  states8bit?: boolean;
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  lr: number;
  tokens: number;
  step: number;
  optimizerStateBytes: number;
}

/**
 * What a rejected engine call's Error carries in `code` (native/engine/src/binding_task.h): out of memory on
 * the device or host, our own checks refusing the input, libtorch raising, or anything else.
 */
export type EngineErrorCode = 'ENGINE_OUT_OF_MEMORY' | 'ENGINE_BAD_INPUT' | 'ENGINE_TORCH' | 'ENGINE_ERROR';

export function engineErrorCode(err: unknown): EngineErrorCode | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ENGINE_') ? (code as EngineErrorCode) : null;
}

/** An engine failure in words a user can act on (the code decides, not the message text). */
export function describeEngineFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (engineErrorCode(err) === 'ENGINE_OUT_OF_MEMORY')
    return `out of memory: ${message.split('\n')[0]} — lower the micro-batch size or the maximum length, or turn on gradient checkpointing or QLoRA`;
  return message;
}

export interface GenerateOptions {
  maxNewTokens: number;
  stopIds: number[];
  bannedIds?: number[];
  temperature?: number;
  topP?: number;
  seed?: number;
  /** One seed per prompt row (each row samples from its own generator, whatever else shares the batch). */
  seeds?: number[];
  useCache?: boolean;
  padId?: number;
}

export interface EngineAddon {
  info(): { torch: string; cuda: boolean; cudaDevices: number };
  load(dir: string, opts?: { dtype?: 'float32' | 'bfloat16' | 'float16'; device?: string; quant?: 'none' | 'nf4' | 'nf4-dq' }): Promise<EngineModel>;
  forward(handle: unknown, batch: EngineBatch, opts?: { logits?: boolean }): Promise<ForwardResult>;
  /** gradientCheckpointing: keep only each decoder layer's input and recompute the layer in the backward pass. */
  /** initAdapter: a PEFT adapter_model.safetensors whose A/B this run starts from (same r and targets). */
  createTrainer(model: unknown, cfg: { lora: LoraSettings; optim: OptimSettings; gradientCheckpointing?: boolean; initAdapter?: string }): unknown;
  /** One optimizer step over the micro-batches (loss averaged as optim.lossAverage says). */
  trainStep(trainer: unknown, microBatches: EngineBatch[]): Promise<StepResult>;
  /** A step's loss and d(loss)/d(A, B) keyed by PEFT name, without an update (comparisons with PEFT). */
  gradients(trainer: unknown, microBatches: EngineBatch[]): Promise<{ loss: number; grads: Record<string, Float32Array> }>;
  evaluate(trainer: unknown, batches: EngineBatch[]): Promise<{ loss: number | null; tokens: number }>;
  trainerForward(trainer: unknown, batch: EngineBatch): Promise<ForwardResult>;
  /**
   * Continuations of a batch of prompts with the current adapter, one Int32Array per row (K/V cache; greedy
   * unless temperature > 0, then seeded sampling with top-p). A row ends after a stop id; banned ids and the
   * model's image/video/vision placeholders are never emitted. useCache false re-runs the whole sequence per
   * token (the reference the cache is tested against).
   */
  generate(trainer: unknown, prompts: EngineBatch, opts: GenerateOptions): Promise<Int32Array[]>;
  /** Each resolves with the number of optimizer steps done. */
  saveAdapter(trainer: unknown, file: string): Promise<number>;
  saveState(trainer: unknown, file: string): Promise<number>;
  loadState(trainer: unknown, file: string): Promise<number>;
}

export type EngineState = { loaded: true; path: string; engine: EngineAddon } | { loaded: false; path: string | null; error: string };

let state: EngineState | null = null;

export function engineState(): EngineState {
  if (state) return state;
  const o = openBinary<EngineAddon>({
    what: 'the training engine',
    envVar: 'STUDIO_ENGINE_PATH',
    relPath: ['native', 'engine', 'build', 'Release', 'studio_engine.node'],
    requires: 'forward',
    howToBuild: "it needs PyTorch 2.x (a python with torch, STUDIO_PYTHON, or a libtorch folder in STUDIO_LIBTORCH_DIR) and 'npm rebuild'",
  });
  state = o.loaded ? { loaded: true, path: o.path, engine: o.exports } : o;
  return state;
}

export function requireEngine(): EngineAddon {
  const s = engineState();
  if (!s.loaded) throw new Error(s.error);
  return s.engine;
}

/** For tests: forget what was loaded so a different path can be tried. */
export function resetEngineForTests(): void {
  state = null;
}
