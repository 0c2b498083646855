// The native engine as a policy: a Qwen3-VL folder loaded once by the engine (libtorch, CPU or CUDA), a LoRA
// adapter on top or none, and every turn's prompt through the same chat template, tokenizer and image
// processor as training (encodePrompt). Concurrent episodes share one generate call (the engine's K/V cache)
// through the batcher. The weights and generate live in an engine process of the job's own
// (engineWorker/), so running out of memory there fails the job, not the app; this side only encodes
// the turn and collates the batch. Each row samples from its own seed, so a sampled rollout replays.
import { encodePrompt, collate } from '../model/encode';
import { BANNED_IN_SAMPLES } from '../model/chat';
import { loadTextSide, type TextSide } from '../model/templateAndTokenizer';
import { EngineHost } from './engineWorker/engineHost';
import { GenerationBatcher } from '../onnx/batcher';
import type { BatchStats, GenerationRequest, GenerationResult } from '../onnx/generate';
import { deviceProblem, trainDevices } from '../system/trainDevices';
import { loraOfAdapter } from '../models/adapterLora';
import { StudioError } from '../util/errors';
import type { Act } from './types';
import { batchedAct } from './batchedAct';
import { join } from 'node:path';

export interface LoadedEngineModel {
  /** The engine process holding the weights; close() ends it. */
  host: EngineHost;
  parameters: number;
  text: TextSide;
  modelDir: string;
  device: string;
  dtype: 'float32' | 'bfloat16';
  pad: number;
  stopIds: number[];
  bannedIds: number[];
}

export interface EngineSamplingOptions {
  temperature: number;
  topP: number;
  maxTokens: number;
  maxBatch: number | null;
}

export interface EngineThroughput {
  batches: number;
  newTokens: number;
  promptTokens: number;
  modelMs: number;
  /** Generated tokens per second of generate calls (prefill included). */
  tokensPerS: number;
}

export interface EngineActor {
  act: Act;
  throughput(): EngineThroughput;
}

/** CUDA when the engine sees a device (bfloat16 there), else the CPU in float32; a named device must exist. */
export function engineDevice(device: string | null, dtype: 'float32' | 'bfloat16' | null): { device: string; dtype: 'float32' | 'bfloat16' } {
  const d = device ?? trainDevices().default;
  const problem = deviceProblem(d);
  if (problem) throw new StudioError('bad_input', problem);
  return { device: d, dtype: dtype ?? (d.startsWith('cuda') ? 'bfloat16' : 'float32') };
}

/** Starts an engine process with the model folder loaded; the caller closes m.host when done (also on failure). */
export async function loadEngineModel(modelDir: string, device: string | null, dtype: 'float32' | 'bfloat16' | null): Promise<LoadedEngineModel> {
  const text = loadTextSide(modelDir);
  const tok = text.tokenizer;
  if (!tok) throw new StudioError('bad_input', `${modelDir}: tokenizer.json is missing; the engine policy needs the model's tokenizer`);
  const where = engineDevice(device, dtype);
  const host = await EngineHost.start({ modelDir, ...where });
  const id = (t: string) => tok.specialIds.get(t);
  const stopIds = ['<|im_end|>', '<|endoftext|>'].map(id).filter((x): x is number => x !== undefined);
  const bannedIds = BANNED_IN_SAMPLES.map(id).filter((x): x is number => x !== undefined);
  return { host, parameters: host.parameters, text, modelDir, ...where, pad: id('<|endoftext|>') ?? 0, stopIds, bannedIds };
}

let actors = 0;

/** Loads the adapter's LoRA weights in the engine process, or none (a zero LoRA: the model as it is); returns its key. */
async function adapterIn(m: LoadedEngineModel, adapterDir: string | null): Promise<string> {
  const key = `actor-${++actors}`;
  if (!adapterDir) await m.host.adapter(key, { r: 1, alpha: 1, targets: ['q_proj'] }, null);
  else {
    const lora = loraOfAdapter(adapterDir);
    await m.host.adapter(key, { r: lora.r, alpha: lora.alpha, rslora: lora.rslora, targets: lora.targets }, join(adapterDir, 'adapter_model.safetensors'));
  }
  return key;
}

/** One policy over a loaded model: several actors (checkpoints) can share one model's weights. */
export async function engineActor(
  m: LoadedEngineModel,
  adapterDir: string | null,
  o: EngineSamplingOptions & { concurrency: number; seed: number; onBatch?: (s: BatchStats) => void },
): Promise<EngineActor> {
  const key = await adapterIn(m, adapterDir);
  const totals = { batches: 0, newTokens: 0, promptTokens: 0, modelMs: 0 };
  const runBatch = async (reqs: GenerationRequest[]): Promise<{ results: GenerationResult[]; stats: BatchStats }> => {
    const batch = collate(
      reqs.map((r) => r.prompt),
      m.pad,
    );
    const t0 = performance.now();
    const rows = await m.host.generate(key, batch, {
      maxNewTokens: Math.max(...reqs.map((r) => r.maxNewTokens)),
      stopIds: m.stopIds,
      bannedIds: m.bannedIds,
      temperature: o.temperature,
      topP: o.topP,
      seeds: reqs.map((r) => r.seed),
      padId: m.pad,
    });
    const ms = performance.now() - t0;
    const results = rows.map((row): GenerationResult => {
      const ids = [...row];
      const stopped = ids.length > 0 && m.stopIds.includes(ids.at(-1)!);
      return { tokens: stopped ? ids.slice(0, -1) : ids, finish: stopped ? 'stop' : 'length' };
    });
    const newTokens = rows.reduce((n, r) => n + r.length, 0);
    // The engine times prefill and decode together: the whole call is counted as decode.
    return { results, stats: { batch: reqs.length, promptTokens: reqs.reduce((n, r) => n + r.prompt.inputIds.length, 0), newTokens, prefillMs: 0, decodeMs: ms } };
  };
  const batcher = new GenerationBatcher(runBatch, o.maxBatch ?? o.concurrency, (s) => {
    totals.batches++;
    totals.newTokens += s.newTokens;
    totals.promptTokens += s.promptTokens;
    totals.modelMs += s.decodeMs;
    o.onBatch?.(s);
  });
  const act = batchedAct(batcher, m.text, { maxTokens: o.maxTokens, temperature: o.temperature, topP: o.topP, seed: o.seed });
  return {
    act,
    throughput: () => ({ ...totals, tokensPerS: totals.modelMs > 0 ? (totals.newTokens / totals.modelMs) * 1000 : 0 }),
  };
}
