// Native failures cross the Node-API boundary as Errors with a code (native/engine/src/binding_task.h,
// native/src/js_errors.h). The handle classes turn them into StudioErrors here, once: the app sees a
// studio code (what the dispatcher sends the UI) and keeps the native one (what the code means exactly).
import { StudioError } from '../util/errors';

/** The engine's codes: out of memory on the device or host, our own checks refusing the input, libtorch raising, anything else. */
export type EngineErrorCode = 'ENGINE_OUT_OF_MEMORY' | 'ENGINE_BAD_INPUT' | 'ENGINE_TORCH' | 'ENGINE_ERROR';

/** The core addon's codes: a safetensors file or plan that is malformed, changed or does not fit; a write the OS refused; out of memory; anything else. */
export type NativeErrorCode = 'NATIVE_INVALID_FILE' | 'NATIVE_IO' | 'NATIVE_OUT_OF_MEMORY' | 'NATIVE_ERROR';

const STUDIO_CODE: Record<EngineErrorCode | NativeErrorCode, string> = {
  ENGINE_OUT_OF_MEMORY: 'out_of_memory',
  ENGINE_BAD_INPUT: 'bad_input',
  ENGINE_TORCH: 'engine_failed',
  ENGINE_ERROR: 'engine_failed',
  NATIVE_INVALID_FILE: 'invalid_file',
  NATIVE_IO: 'io',
  NATIVE_OUT_OF_MEMORY: 'out_of_memory',
  NATIVE_ERROR: 'native_failed',
};

/** A coded native failure as a StudioError; `nativeCode` is the code the binary gave. */
export class NativeError extends StudioError {
  constructor(
    readonly nativeCode: EngineErrorCode | NativeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(STUDIO_CODE[nativeCode], message);
    this.name = 'NativeError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The native code an error carries (a mapped NativeError or the binary's own Error), else null. */
export function nativeCodeOf(err: unknown): EngineErrorCode | NativeErrorCode | null {
  if (err instanceof NativeError) return err.nativeCode;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in STUDIO_CODE ? (code as EngineErrorCode | NativeErrorCode) : null;
}

/** A binary's coded Error as a NativeError (same message); anything else (argument TypeErrors…) as it is. */
export function toNativeError(err: unknown): unknown {
  if (err instanceof NativeError) return err;
  const code = nativeCodeOf(err);
  return code ? new NativeError(code, (err as Error).message, { cause: err }) : err;
}

/** Runs a native call, mapping what it throws or rejects with. */
export function mapped<T>(call: () => T): T {
  let out: T;
  try {
    out = call();
  } catch (err) {
    throw toNativeError(err);
  }
  if (out instanceof Promise) return out.catch((err: unknown) => Promise.reject(toNativeError(err))) as T;
  return out;
}
