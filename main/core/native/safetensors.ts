// Typed wrapper over the addon's safetensors engine and streaming merge.
// Everything heavy runs in the addon's worker threads; this adapts types and maps the addon's coded
// failures to NativeErrors (StudioErrors keeping the NATIVE_* code) in one place.
import { CancelledError, StudioError } from '../util/errors';
import { loadAddon } from './addon';
import { mapped, nativeCodeOf, type NativeErrorCode } from './nativeError';

export type DType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64' | 'F8_E4M3' | 'F8_E5M2';

export interface TensorHeader {
  name: string;
  dtype: DType;
  shape: number[];
  byteLength: number;
}

export interface SafetensorsHeader {
  tensors: TensorHeader[];
  metadata: Record<string, string>;
  fileSize: number;
}

export interface TensorData extends TensorHeader {
  data: Buffer;
}

export interface MergeLora {
  file: string;
  a: string;
  b: string;
  magnitude?: string;
  scale: number;
  fanInFanOut?: boolean;
}

export interface MergeTensorPlan {
  name: string;
  srcFile: string;
  srcTensor: string;
  outDtype: DType;
  loras?: MergeLora[];
}

export interface MergeShardPlan {
  path: string;
  metadata?: Record<string, string>;
  tensors: MergeTensorPlan[];
}

/** 'auto': O_DIRECT writes where the filesystem takes them (Linux); 'buffered': through the page cache. */
export type WriteIo = 'auto' | 'buffered';

export interface NativeMergePlan {
  rounding: 'peft' | 'single';
  threads?: number;
  io?: WriteIo;
  shards: MergeShardPlan[];
}

/** directIo: the bytes went to disk without passing through the page cache. */
export interface WriteResult {
  directIo: boolean;
}

export interface MergeProgress {
  bytesDone: number;
  bytesTotal: number;
  tensorsDone: number;
  tensorsTotal: number;
  current: string;
}

interface SafetensorsAddon {
  readSafetensorsHeader(path: string): SafetensorsHeader;
  readTensor(path: string, name: string): TensorData;
  writeSafetensors(
    path: string,
    tensors: { name: string; dtype: DType; shape: number[]; data: Uint8Array }[],
    metadata?: Record<string, string>,
    options?: { io?: WriteIo },
  ): WriteResult;
  merge(plan: NativeMergePlan, onProgress: (p: MergeProgress) => void): { promise: Promise<{ cancelled: boolean; directIo: boolean }>; cancel(): void };
}

function addon(): SafetensorsAddon {
  const a = loadAddon();
  if (!a.loaded) throw new StudioError('native_unavailable', a.error);
  return a.addon as unknown as SafetensorsAddon;
}

export const readHeader = (path: string): SafetensorsHeader => mapped(() => addon().readSafetensorsHeader(path));
export const readTensor = (path: string, name: string): TensorData => mapped(() => addon().readTensor(path, name));
export const writeSafetensors = (
  path: string,
  tensors: { name: string; dtype: DType; shape: number[]; data: Uint8Array }[],
  metadata?: Record<string, string>,
  options?: { io?: WriteIo },
): WriteResult => mapped(() => addon().writeSafetensors(path, tensors, metadata ?? {}, options ?? {}));

export type { NativeErrorCode } from './nativeError';

/** The NATIVE_* code a core addon failure carries (from the binary, or kept by the NativeError it was mapped to). */
export function nativeErrorCode(err: unknown): NativeErrorCode | null {
  const code = nativeCodeOf(err);
  return code?.startsWith('NATIVE_') ? (code as NativeErrorCode) : null;
}

/** A merge running in the addon's threads: its result, and cancel() to stop it between tensors. */
export class NativeMergeJob {
  readonly #job: { promise: Promise<{ cancelled: boolean; directIo: boolean }>; cancel(): void };

  constructor(plan: NativeMergePlan, onProgress: (p: MergeProgress) => void) {
    this.#job = mapped(() => addon().merge(plan, onProgress));
  }

  /** cancelled: it stopped on cancel(); directIo as for WriteResult. Rejects with a NativeError. */
  result(): Promise<{ cancelled: boolean; directIo: boolean }> {
    return mapped(() => this.#job.promise);
  }

  cancel(): void {
    this.#job.cancel();
  }
}

/** Runs a merge plan off the main thread; rejects with CancelledError when signal aborts. */
export async function runNativeMerge(plan: NativeMergePlan, onProgress: (p: MergeProgress) => void, signal?: AbortSignal): Promise<WriteResult> {
  if (signal?.aborted) throw new CancelledError();
  const job = new NativeMergeJob(plan, onProgress);
  const abort = (): void => job.cancel();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const r = await job.result().catch((err: unknown) => {
      // The output side failing is the disk's fault, not the model's: say where and what to check.
      if (nativeErrorCode(err) === 'NATIVE_IO')
        throw new StudioError('io', `writing the merged model failed: ${(err as Error).message}; check the free space and permissions of that folder`);
      throw err;
    });
    if (r.cancelled) throw new CancelledError('merge cancelled');
    return { directIo: r.directIo };
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

export const DTYPE_BYTES: Record<DType, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  F8_E4M3: 1,
  F8_E5M2: 1,
};
export const isFloatDType = (d: DType): boolean => d === 'F32' || d === 'F16' || d === 'BF16' || d === 'F64';
