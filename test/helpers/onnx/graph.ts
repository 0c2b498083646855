// A small ONNX graph builder over proto.ts: declare inputs and weights, chain
// ops by value name, name the outputs, write bytes. Op outputs get fresh
// names unless one is given, so building code reads like the math.
import { type AttrValue, DataType, type ElemType, encodeModel, type GraphData, tensorBytes } from './proto';

export class Graph {
  private g: GraphData;
  private count = 0;
  /** Opset imports beyond the default domain, as domainOp() declares them. */
  private domains: Record<string, number> = {};

  constructor(name: string) {
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

  /** A constant tensor (weights, shapes, indices); FLOAT16 data is given as ordinary numbers. */
  init(name: string, data: ArrayLike<number> | BigInt64Array, dims: number[], type: ElemType = DataType.FLOAT): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`${name}: ${data.length} values for dims [${dims}]`);
    this.g.initializers.push({ name, dataType: type, dims, raw: tensorBytes(type, data) });
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
    return encodeModel(this.g, { domains: this.domains });
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }
}
