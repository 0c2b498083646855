// Just enough of the protobuf wire format to write an ONNX ModelProto by hand
// (varints, length-delimited fields, fixed32 floats), so tests can make
// .onnx files without Python or a protobuf dependency. Field numbers are
// onnx.proto's; repeated scalars are written unpacked, as proto2 declares them.

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;
export type ElemType = (typeof DataType)[keyof typeof DataType];

/** Where a tensor's bytes lie in an external data file (TensorProto.external_data). */
export interface ExternalRef {
  /** The file, relative to the .onnx file's folder. */
  location: string;
  offset: number;
  length: number;
}

/**
 * Little-endian element bytes, either inside the model (raw_data) or in an external file: protobuf caps a
 * message at 2 GB, so big models keep their weights beside the .onnx (data_location EXTERNAL).
 */
export type TensorData = { name: string; dataType: ElemType; dims: number[] } & ({ raw: Uint8Array } | { external: ExternalRef });

export interface ValueInfo {
  name: string;
  elemType: ElemType;
  /** A number is a fixed size (dim_value); a string names a symbolic one (dim_param). */
  dims: (number | string)[];
}

/** number → INT, number[] → INTS, string → STRING, {f} → FLOAT, {floats} → FLOATS, {t} → TENSOR. */
export type AttrValue = number | number[] | string | { f: number } | { floats: number[] } | { t: TensorData };

export interface NodeData {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  domain?: string;
  attrs?: Record<string, AttrValue>;
}

export interface GraphData {
  name: string;
  nodes: NodeData[];
  initializers: TensorData[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

const VARINT = 0;
const LEN = 2;
const FIXED32 = 5;

/** Appends fields to a message; finish() gives its bytes. */
class Message {
  private parts: Uint8Array[] = [];

  private raw(bytes: Uint8Array | number[]): this {
    this.parts.push(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
    return this;
  }

  private varintBytes(v: number | bigint): number[] {
    // int64 negatives are ten-byte two's complement varints.
    let x = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    while (x >= 0x80n) {
      out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    out.push(Number(x));
    return out;
  }

  private tag(field: number, wire: number): this {
    return this.raw(this.varintBytes((field << 3) | wire));
  }

  int(field: number, v: number | bigint): this {
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Error(`field ${field}: ${v} is not an integer`);
    return this.tag(field, VARINT).raw(this.varintBytes(v));
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.tag(field, FIXED32).raw(b);
  }

  bytes(field: number, b: Uint8Array): this {
    return this.tag(field, LEN).raw(this.varintBytes(b.length)).raw(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

export function encodeTensor(t: TensorData): Uint8Array {
  const m = new Message();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.dataType).string(8, t.name);
  if ('raw' in t) return m.bytes(9, t.raw).finish();
  // StringStringEntryProto {key, value}; offset and length are decimal strings, as the spec has them.
  const { location, offset, length } = t.external;
  for (const [k, v] of Object.entries({ location, offset: String(offset), length: String(length) })) m.bytes(13, new Message().string(1, k).string(2, v).finish());
  return m.int(14, 1).finish(); // data_location: EXTERNAL
}

function encodeAttribute(name: string, v: AttrValue): Uint8Array {
  const m = new Message().string(1, name);
  if (typeof v === 'number') return m.int(3, v).int(20, 2).finish();
  if (typeof v === 'string') return m.bytes(4, new TextEncoder().encode(v)).int(20, 3).finish();
  if (Array.isArray(v)) {
    for (const x of v) m.int(8, x);
    return m.int(20, 7).finish();
  }
  if ('f' in v) return m.float(2, v.f).int(20, 1).finish();
  if ('floats' in v) {
    for (const x of v.floats) m.float(7, x);
    return m.int(20, 6).finish();
  }
  return m.bytes(5, encodeTensor(v.t)).int(20, 4).finish();
}

function encodeNode(n: NodeData): Uint8Array {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name).string(4, n.opType);
  for (const [k, v] of Object.entries(n.attrs ?? {})) m.bytes(5, encodeAttribute(k, v));
  if (n.domain) m.string(7, n.domain);
  return m.finish();
}

function encodeValueInfo(v: ValueInfo): Uint8Array {
  const shape = new Message();
  for (const d of v.dims) shape.bytes(1, typeof d === 'number' ? new Message().int(1, d).finish() : new Message().string(2, d).finish());
  const tensorType = new Message().int(1, v.elemType).bytes(2, shape.finish()).finish();
  const type = new Message().bytes(1, tensorType).finish();
  return new Message().string(1, v.name).bytes(2, type).finish();
}

export function encodeGraph(g: GraphData): Uint8Array {
  const m = new Message();
  for (const n of g.nodes) m.bytes(1, encodeNode(n));
  m.string(2, g.name);
  for (const t of g.initializers) m.bytes(5, encodeTensor(t));
  for (const v of g.inputs) m.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) m.bytes(12, encodeValueInfo(v));
  return m.finish();
}

/**
 * A ModelProto: IR version 8, default-domain opset 17 unless told, plus an
 * opset import for each other domain its nodes use (e.g. { 'com.microsoft': 1 }).
 */
export function encodeModel(g: GraphData, o: { irVersion?: number; opset?: number; producer?: string; domains?: Record<string, number> } = {}): Uint8Array {
  const m = new Message()
    .int(1, o.irVersion ?? 8)
    .string(2, o.producer ?? 'vlm-sft-studio tests')
    .bytes(7, encodeGraph(g));
  for (const [domain, version] of Object.entries({ '': o.opset ?? 17, ...o.domains })) m.bytes(8, new Message().string(1, domain).int(2, version).finish());
  return m.finish();
}

// Half precision as the runtime converts it (its bit patterns are checked in runtimeParts.test.ts).
export { fromHalf as fromFp16, toHalf as toFp16 } from '../../../main/core/onnx/half';
import { toHalf as toFp16 } from '../../../main/core/onnx/half';

/** Element bytes for a tensor of the given type (floats rounded to half for FLOAT16). */
export function tensorBytes(dataType: ElemType, data: ArrayLike<number> | BigInt64Array): Uint8Array {
  const n = data.length;
  const num = (i: number) => Number(data[i]!);
  let arr: ArrayBufferView;
  switch (dataType) {
    // A float32 source is copied whole (memcpy) rather than element by element: weights can be large.
    case DataType.FLOAT:
      arr = data instanceof Float32Array ? data.slice() : Float32Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.DOUBLE:
      arr = Float64Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.FLOAT16:
      arr = Uint16Array.from({ length: n }, (_, i) => toFp16(num(i)));
      break;
    case DataType.INT64:
      arr = BigInt64Array.from({ length: n }, (_, i) => BigInt(data[i]!));
      break;
    case DataType.INT32:
      arr = Int32Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.INT8:
      arr = Int8Array.from({ length: n }, (_, i) => num(i));
      break;
    case DataType.UINT8:
    case DataType.BOOL:
      arr = Uint8Array.from({ length: n }, (_, i) => num(i));
      break;
  }
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}
