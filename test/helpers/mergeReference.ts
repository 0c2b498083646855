// An independent float64 computation of a LoRA merge, to check the native engine.
import { readTensor, type DType } from '../../main/core/native/safetensors';
import { toNumbers } from './checkpoints';

/** Rounds a float64 to bf16 bits once, ties to even (normal range). */
export function doubleToBf16(x: number): number {
  if (x === 0) return Object.is(x, -0) ? 0x8000 : 0;
  const u = new BigUint64Array(new Float64Array([x]).buffer)[0]!;
  const sign = Number(u >> 63n);
  let exp = Number((u >> 52n) & 0x7ffn) - 1023 + 127;
  const mant = u & ((1n << 52n) - 1n);
  let keep = mant >> 45n;
  const rem = mant & ((1n << 45n) - 1n);
  const half = 1n << 44n;
  if (rem > half || (rem === half && (keep & 1n) === 1n)) keep++;
  if (keep === 128n) {
    keep = 0n;
    exp++;
  }
  if (exp <= 0 || exp >= 255) throw new Error(`doubleToBf16: ${x} is outside the normal bf16 range used by these tests`);
  return (sign << 15) | (exp << 7) | Number(keep);
}

export function bf16Bits(data: Buffer): Uint16Array {
  return new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

export interface RefInput {
  baseFile: string;
  weight: string;
  adapterFile: string;
  a: string;
  b: string;
  scale: number;
  magnitude?: string;
}

/** W + scale·(B·A) (or the DoRA form) in float64, row-major [out, in]. */
export function exactMerge(i: RefInput): { values: number[]; shape: number[] } {
  const w = readTensor(i.baseFile, i.weight);
  const A = readTensor(i.adapterFile, i.a);
  const B = readTensor(i.adapterFile, i.b);
  const W = toNumbers(w.data, w.dtype as DType);
  const a = toNumbers(A.data, A.dtype as DType);
  const b = toNumbers(B.data, B.dtype as DType);
  const [out, inn] = w.shape as [number, number];
  const r = A.shape[0]!;
  const res = new Array<number>(out * inn);
  const mag = i.magnitude ? toNumbers(readTensor(i.adapterFile, i.magnitude).data, 'F32') : null;
  for (let o = 0; o < out; o++) {
    const row = new Array<number>(inn);
    for (let c = 0; c < inn; c++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += b[o * r + k]! * a[k * inn + c]!;
      row[c] = W[o * inn + c]! + i.scale * acc;
    }
    const factor = mag ? mag[o]! / Math.sqrt(row.reduce((s, v) => s + v * v, 0)) : 1;
    for (let c = 0; c < inn; c++) res[o * inn + c] = factor * row[c]!;
  }
  return { values: res, shape: [out, inn] };
}
