// Loads the training engine (native/engine: Qwen3-VL on libtorch, Node-API).
// It is a separate binary from the core addon so the app runs without
// libtorch; then engineState() says why training is unavailable.
import type { EngineBatch } from '../model/encode';
import { StudioError } from '../util/errors';
import { mapped, nativeCodeOf, type EngineErrorCode } from './nativeError';
import { openBinary } from './openBinary';

/** What the binding's load() resolves with: an opaque handle and the model's sizes (the EngineModel class wraps it). */
export interface NativeModel {
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

export type { EngineErrorCode } from './nativeError';

/** The ENGINE_* code an engine failure carries (from the binary, or kept by the NativeError it was mapped to). */
export function engineErrorCode(err: unknown): EngineErrorCode | null {
  const code = nativeCodeOf(err);
  return code?.startsWith('ENGINE_') ? (code as EngineErrorCode) : null;
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

export interface TrainerConfig {
  lora: LoraSettings;
  optim: OptimSettings;
  /** Keep only each decoder layer's input and recompute the layer in the backward pass. */
  gradientCheckpointing?: boolean;
  /** A PEFT adapter_model.safetensors whose A/B this run starts from (same r and targets). */
  initAdapter?: string;
}

export type LoadOptions = { dtype?: 'float32' | 'bfloat16' | 'float16'; device?: string; quant?: 'none' | 'nf4' | 'nf4-dq' };

/**
 * The engine binary's exports as they are: free functions over opaque handles, failures as coded Errors.
 * The app uses the Engine / EngineModel / EngineTrainer classes below (openEngine()); tests of the boundary itself
 * call this through engineState().engine.
 */
export interface EngineAddon {
  info(): { torch: string; cuda: boolean; cudaDevices: number };
  load(dir: string, opts?: LoadOptions): Promise<NativeModel>;
  forward(handle: unknown, batch: EngineBatch, opts?: { logits?: boolean }): Promise<ForwardResult>;
  createTrainer(model: unknown, cfg: TrainerConfig): unknown;
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

/** The engine, or a StudioError saying why it is not there. */
export function openEngine(): Engine {
  const s = engineState();
  if (!s.loaded) throw new StudioError('engine_unavailable', s.error);
  return new Engine(s.engine);
}

/** The engine binary: what it was built with, and models loaded from folders. */
export class Engine {
  constructor(private readonly binding: EngineAddon) {}

  info(): { torch: string; cuda: boolean; cudaDevices: number } {
    return mapped(() => this.binding.info());
  }

  async load(dir: string, opts?: LoadOptions): Promise<EngineModel> {
    return new EngineModel(this.binding, await mapped(() => this.binding.load(dir, opts)));
  }
}

/** What a handle class's calls throw once close() was called. */
function closedError(what: string): StudioError {
  return new StudioError('closed', `${what} was closed`);
}

/**
 * A loaded Qwen3-VL. close() lets go of the native handle: its weights are freed once nothing else holds them
 * (trainers made from it keep them alive; the binding frees on collection, it has no explicit free).
 */
export class EngineModel {
  readonly parameters: number;
  readonly weightBytes: number;
  readonly vocab: number;
  readonly imageTokenId: number;
  #handle: unknown;

  constructor(
    private readonly binding: EngineAddon,
    loaded: NativeModel,
  ) {
    this.#handle = loaded.handle;
    this.parameters = loaded.parameters;
    this.weightBytes = loaded.weightBytes;
    this.vocab = loaded.vocab;
    this.imageTokenId = loaded.imageTokenId;
  }

  get closed(): boolean {
    return this.#handle === null;
  }

  private get handle(): unknown {
    if (this.#handle === null) throw closedError('the engine model');
    return this.#handle;
  }

  /** The model alone (no LoRA): loss when the batch has labels, logits when asked. */
  forward(batch: EngineBatch, opts?: { logits?: boolean }): Promise<ForwardResult> {
    return mapped(() => this.binding.forward(this.handle, batch, opts));
  }

  /** A LoRA trainer over these weights (several can share one model). */
  createTrainer(cfg: TrainerConfig): EngineTrainer {
    return new EngineTrainer(
      this.binding,
      mapped(() => this.binding.createTrainer(this.handle, cfg)),
    );
  }

  close(): void {
    this.#handle = null;
  }
}

/** LoRA weights and their optimizer over a model: steps, evaluation, generation and checkpoints. */
export class EngineTrainer {
  #handle: unknown;

  constructor(
    private readonly binding: EngineAddon,
    handle: unknown,
  ) {
    this.#handle = handle;
  }

  get closed(): boolean {
    return this.#handle === null;
  }

  private get handle(): unknown {
    if (this.#handle === null) throw closedError('the engine trainer');
    return this.#handle;
  }

  /** One optimizer step over the micro-batches (loss averaged as optim.lossAverage says). */
  trainStep(microBatches: EngineBatch[]): Promise<StepResult> {
    return mapped(() => this.binding.trainStep(this.handle, microBatches));
  }

  /** A step's loss and d(loss)/d(A, B) keyed by PEFT name, without an update. */
  gradients(microBatches: EngineBatch[]): Promise<{ loss: number; grads: Record<string, Float32Array> }> {
    return mapped(() => this.binding.gradients(this.handle, microBatches));
  }

  evaluate(batches: EngineBatch[]): Promise<{ loss: number | null; tokens: number }> {
    return mapped(() => this.binding.evaluate(this.handle, batches));
  }

  /** The model with the current adapter. */
  forward(batch: EngineBatch): Promise<ForwardResult> {
    return mapped(() => this.binding.trainerForward(this.handle, batch));
  }

  /** Continuations of a batch of prompts with the current adapter, one Int32Array per row (see EngineAddon.generate). */
  generate(prompts: EngineBatch, opts: GenerateOptions): Promise<Int32Array[]> {
    return mapped(() => this.binding.generate(this.handle, prompts, opts));
  }

  /** Each resolves with the number of optimizer steps done. */
  saveAdapter(file: string): Promise<number> {
    return mapped(() => this.binding.saveAdapter(this.handle, file));
  }

  saveState(file: string): Promise<number> {
    return mapped(() => this.binding.saveState(this.handle, file));
  }

  loadState(file: string): Promise<number> {
    return mapped(() => this.binding.loadState(this.handle, file));
  }

  close(): void {
    this.#handle = null;
  }
}

/** For tests: forget what was loaded so a different path can be tried. */
export function resetEngineForTests(): void {
  state = null;
}
