// What the app and its engine process say to each other (engineHost.ts ⇄ engineProcess.ts).
// The process holds the weights and runs generate, so an out-of-memory kill or a crash in
// libtorch ends it alone; the job that used it fails with the reason and the app stays up.
import type { EngineBatch } from '../../model/encode';
import type { GenerateOptions, LoraSettings } from '../../native/engine';

export type EngineRequest =
  | { type: 'load'; modelDir: string; device: string; dtype: 'float32' | 'bfloat16' }
  /** A LoRA over the loaded weights, named by key: an adapter's file, or none (a zero LoRA: the base as it is). */
  | { type: 'adapter'; key: string; lora: LoraSettings; initAdapter: string | null }
  | { type: 'generate'; key: string; batch: EngineBatch; options: GenerateOptions };

/** What each request answers. */
export interface EngineAnswers {
  load: { parameters: number; weightBytes: number };
  adapter: null;
  generate: Int32Array[];
}

export type ToEngine = EngineRequest & { id: number };

export type FromEngine =
  { type: 'ready'; pid: number } | { type: 'answer'; id: number; ok: true; value: unknown } | { type: 'answer'; id: number; ok: false; message: string; code: string | null };

const REQUESTS: ReadonlySet<string> = new Set<EngineRequest['type']>(['load', 'adapter', 'generate']);

/** A message from the app the engine process can act on (anything else is refused, by id when it has one). */
export function isToEngine(m: unknown): m is ToEngine {
  const x = m as { id?: unknown; type?: unknown } | null;
  return typeof x === 'object' && x !== null && typeof x.id === 'number' && typeof x.type === 'string' && REQUESTS.has(x.type);
}

/** A message from the engine process in the shape the host reads (a stray one is ignored, never misread). */
export function isFromEngine(m: unknown): m is FromEngine {
  const x = m as { type?: unknown; id?: unknown; ok?: unknown; pid?: unknown } | null;
  if (typeof x !== 'object' || x === null) return false;
  if (x.type === 'ready') return typeof x.pid === 'number';
  return x.type === 'answer' && typeof x.id === 'number' && typeof x.ok === 'boolean';
}
