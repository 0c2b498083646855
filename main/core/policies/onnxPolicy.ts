// The local ONNX policy: a Qwen-VL export run by onnxruntime-node inside the
// app, no server and no Python. Each turn's prompt goes through the same chat
// template, tokenizer and image processor the trainer uses; concurrent
// episodes share model calls through the batcher.
import type { z } from 'zod';
import type { OnnxPolicy } from '../../../preload/contract';
import { GenerationBatcher } from '../onnx/batcher';
import { generateBatch, type BatchStats } from '../onnx/generate';
import { OnnxVlm } from '../onnx/vlmModel';
import type { Act } from './types';
import { batchedAct } from './batchedAct';

type Config = z.output<typeof OnnxPolicy>;

export interface OnnxThroughput {
  batches: number;
  promptTokens: number;
  newTokens: number;
  /** Generated tokens per second of decoding. */
  decodeTokensPerS: number;
  /** Generated tokens per second of model time (prefill included). */
  tokensPerS: number;
}

export interface OpenedOnnxPolicy {
  act: Act;
  vlm: OnnxVlm;
  throughput(): OnnxThroughput;
  close(): Promise<void>;
}

export async function openOnnxPolicy(c: Config, o: { concurrency: number; seed: number; onBatch?: (s: BatchStats) => void }): Promise<OpenedOnnxPolicy> {
  const vlm = await OnnxVlm.open(c.modelDir, { variant: c.variant, provider: c.provider ?? 'auto' });
  const totals = { batches: 0, promptTokens: 0, newTokens: 0, prefillMs: 0, decodeMs: 0 };
  const batcher = new GenerationBatcher(
    (reqs) => generateBatch(vlm, reqs),
    c.maxBatch ?? o.concurrency,
    (s) => {
      totals.batches++;
      totals.promptTokens += s.promptTokens;
      totals.newTokens += s.newTokens;
      totals.prefillMs += s.prefillMs;
      totals.decodeMs += s.decodeMs;
      o.onBatch?.(s);
    },
  );
  const act = batchedAct(batcher, vlm.text, { maxTokens: c.maxTokens, temperature: c.temperature, topP: c.topP, seed: o.seed });
  return {
    act,
    vlm,
    throughput: () => ({
      batches: totals.batches,
      promptTokens: totals.promptTokens,
      newTokens: totals.newTokens,
      decodeTokensPerS: totals.decodeMs > 0 ? (totals.newTokens / totals.decodeMs) * 1000 : 0,
      tokensPerS: totals.prefillMs + totals.decodeMs > 0 ? (totals.newTokens / (totals.prefillMs + totals.decodeMs)) * 1000 : 0,
    }),
    close: () => vlm.release(),
  };
}
