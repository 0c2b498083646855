// A small ONNX graph builder over proto.ts: declare inputs and weights, chain
// ops by value name, name the outputs, write bytes. Op outputs get fresh
// names unless one is given, so building code reads like the math.
// Weights may be stored as ONNX external data: written to a file beside the
// .onnx as they are added, so a model of any size is written in small memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { type AttrValue, DataType, type ElemType, encodeModel, type ExternalRef, type GraphData, tensorBytes } from './proto';

/** Values made a chunk at a time, for tensors too big to hold: each call fills `out` with the next out.length values. */
export type Fill = (out: Float32Array) => void;

const ELEM_BYTES: Record<ElemType, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
};

/** Elements per chunk of a Fill (4 MB of float32). */
const CHUNK = 1 << 20;

/** A tensor's bytes in chunks: the whole array at once, or a Fill's chunks converted as they are made. */
function* chunks(data: ArrayLike<number> | BigInt64Array | Fill, n: number, type: ElemType): Generator<Uint8Array> {
  if (typeof data !== 'function') {
    yield tensorBytes(type, data);
    return;
  }
  const buf = new Float32Array(Math.min(CHUNK, n));
  for (let at = 0; at < n; at += buf.length) {
    const part = buf.subarray(0, Math.min(buf.length, n - at));
    data(part);
    yield tensorBytes(type, part);
  }
}

/**
 * An external data file (e.g. decoder_model_merged.onnx_data): each tensor's bytes are written as they come, at an
 * offset aligned to 4096 so the runtime may map them; the file is made on the first tensor.
 */
export class ExternalData {
  private fd: number | null = null;
  private end = 0;

  /** `path` lies in the .onnx file's folder; the model names it by its base name. */
  constructor(readonly path: string) {}

  write(parts: Iterable<Uint8Array>): ExternalRef {
    this.fd ??= openSync(this.path, 'w');
    const offset = Math.ceil(this.end / 4096) * 4096;
    let at = offset;
    for (const p of parts) {
      // A write may take fewer bytes than asked; go on from where it stopped.
      for (let done = 0; done < p.length;) done += writeSync(this.fd, p, done, p.length - done, at + done);
      at += p.length;
    }
    this.end = at;
    return { location: basename(this.path), offset, length: at - offset };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export interface GraphOptions {
  /** Where initializers of at least 1 KB go (onnx's own default threshold); smaller ones stay in the model. */
  external?: ExternalData;
}

export class Graph {
  private g: GraphData;
  private count = 0;
  /** Opset imports beyond the default domain, as domainOp() declares them. */
  private domains: Record<string, number> = {};

  constructor(
    name: string,
    private o: GraphOptions = {},
  ) {
    this.g = { name, nodes: [], initializers: [], inputs: [], outputs: [] };
  }

  /** A graph input; string dims are symbolic (e.g. 'batch'). */
  input(name: string, type: ElemType, dims: (number | string)[]): string {
    this.g.inputs.push({ name, elemType: type, dims });
    return name;
  }

  /** Declares a graph output; with `from`, the value of that name is copied to it (Identity). */
  output(name: string, type: ElemType, dims: (number | string)[], from?: string): void {
    if (from !== undefined && from !== name) this.op('Identity', [from], {}, name);
    this.g.outputs.push({ name, elemType: type, dims });
  }

  /**
   * A constant tensor (weights, shapes, indices); FLOAT16 data is given as ordinary numbers. A Fill (float
   * types only) makes the values in chunks, so with external data a tensor is never whole in memory.
   */
  init(name: string, data: ArrayLike<number> | BigInt64Array | Fill, dims: number[], type: ElemType = DataType.FLOAT): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (typeof data !== 'function' && n !== data.length) throw new Error(`${name}: ${data.length} values for dims [${dims}]`);
    const t = { name, dataType: type, dims };
    const ext = this.o.external;
    if (ext && n * ELEM_BYTES[type] >= 1024) this.g.initializers.push({ ...t, external: ext.write(chunks(data, n, type)) });
    else this.g.initializers.push({ ...t, raw: Buffer.concat([...chunks(data, n, type)]) });
    return name;
  }

  /** An int64 constant (shapes, axes, indices); a number gives a scalar. */
  ints(values: number[] | number, name = this.fresh('const')): string {
    return Array.isArray(values) ? this.init(name, values, [values.length], DataType.INT64) : this.init(name, [values], [], DataType.INT64);
  }

  /** A float32 scalar constant. */
  scalar(value: number, name = this.fresh('const')): string {
    return this.init(name, [value], [], DataType.FLOAT);
  }

  /** Adds one node with a single output and returns that output's name ('' inputs are omitted optionals). */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out = this.fresh(opType)): string {
    this.g.nodes.push({ opType, inputs, outputs: [out], name: `${opType}_${this.g.nodes.length}`, attrs });
    return out;
  }

  /** Like op(), for an operator of another domain (e.g. onnxruntime's 'com.microsoft' contrib ops); the model imports that domain's opset. */
  domainOp(domain: string, version: number, opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    const had = this.domains[domain];
    if (had !== undefined && had !== version) throw new Error(`${opType}: domain ${domain} is already imported at version ${had}`);
    this.domains[domain] = version;
    const out = this.fresh(opType);
    this.g.nodes.push({ opType, domain, inputs, outputs: [out], name: `${opType}_${this.g.nodes.length}`, attrs });
    return out;
  }

  toBytes(): Uint8Array {
    const bytes = encodeModel(this.g, { domains: this.domains });
    // Protobuf parsers refuse messages over 2 GB; say so here rather than as a runtime load error.
    if (bytes.length >= 2 ** 31) throw new Error(`${this.g.name}: ${bytes.length} bytes is over protobuf's 2 GB limit; store the weights as external data`);
    return bytes;
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }
}
