// Tensors as the ONNX Qwen-VL graphs take them: float32 or float16 (as
// half bits) by the graph's declared type, int64 ids and positions, and key/
// value caches joined along the batch.
import type * as Ort from 'onnxruntime-node';
import { floatArray, halfArray } from './half';
import { ort } from './ort';
import type { FloatType } from './vlmModel';

export type FloatData = Float32Array | Uint16Array;

export function floatTensor(type: FloatType, data: Float32Array | FloatData, dims: number[]): Ort.Tensor {
  const rt = ort();
  if (type === 'float16') return new rt.Tensor('float16', data instanceof Uint16Array ? data : halfArray(data), dims);
  return new rt.Tensor('float32', data instanceof Float32Array ? data : floatArray(data), dims);
}

export function int64(values: ArrayLike<number> | BigInt64Array, dims: number[]): Ort.Tensor {
  if (values instanceof BigInt64Array) return new (ort().Tensor)('int64', values, dims);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new (ort().Tensor)('int64', data, dims);
}

export function concatFloat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Caches of consecutive row groups as one: [batch, heads, seq, dim] tensors are batch-major, so their data concatenates. */
export function joinCaches(parts: Record<string, Ort.Tensor>[]): Record<string, Ort.Tensor> {
  const out: Record<string, Ort.Tensor> = {};
  for (const name of Object.keys(parts[0]!)) {
    const ts = parts.map((p) => p[name]!);
    const [, h, s, d] = ts[0]!.dims as [number, number, number, number];
    const rows = ts.reduce((n, t) => n + t.dims[0]!, 0);
    const data = ts[0]!.type === 'float16' ? new Uint16Array(rows * h * s * d) : new Float32Array(rows * h * s * d);
    let at = 0;
    for (const t of ts) {
      data.set(t.data as Uint16Array & Float32Array, at);
      at += t.data.length;
    }
    out[name] = new (ort().Tensor)(ts[0]!.type as 'float32', data as Float32Array, [rows, h, s, d]);
  }
  return out;
}
