// The ONNX graph an export is building: names for the tensors it has seen (inputs, parameters,
// the outputs of traced ops), constants for the tensors it has not, and the nodes.
import type { Attrs } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import type { OutAttribute, OutNode, OutTensor } from './encode.js';

export class GraphBuilder {
  readonly nodes: OutNode[] = [];
  readonly initializers: OutTensor[] = [];
  private readonly names = new Map<Tensor, string>();
  private counter = 0;

  /** A fresh value name with this stem. */
  fresh(stem: string): string {
    return `${stem}_${this.counter++}`;
  }

  define(t: Tensor, name: string): void {
    this.names.set(t, name);
  }

  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  /**
   * The name of a tensor seen before; one the trace never saw (made by tensor(), say) becomes a
   * Constant node, which load evaluates once: float initializers would load as parameters.
   */
  nameOf(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) return known;
    const values = t.toArray();
    const name = this.constant(values instanceof Float32Array ? Float32Array.from(values) : Int32Array.from(values), t.shape);
    this.names.set(t, name);
    return name;
  }

  private constant(data: OutTensor['data'], dims: readonly number[]): string {
    const name = this.fresh('const');
    this.node('Constant', [], { value: { name, dims: [...dims], data } }, [name]);
    return name;
  }

  /** An initializer of whole numbers, int64 as ONNX wants for shapes, axes and starts. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh('ints');
    this.initializers.push({ name, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) });
    return name;
  }

  float(values: readonly number[], dims: readonly number[] = []): string {
    return this.constant(Float32Array.from(values), dims);
  }

  /** Adds a node; returns its output names (fresh ones unless given). */
  node(opType: string, inputs: string[], attributes: Record<string, OutAttribute> = {}, outputs: number | string[] = 1, floatAttributes?: string[]): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : outputs;
    this.nodes.push({ opType, name: this.fresh(`${opType}_node`), inputs, outputs: outs, attributes, floatAttributes });
    return outs;
  }

  /** One node whose single output is the traced op's output tensor. */
  emit(output: Tensor, opType: string, inputs: string[], attributes: Record<string, OutAttribute> = {}, floatAttributes?: string[]): void {
    const [name] = this.node(opType, inputs, attributes, 1, floatAttributes);
    this.define(output, name);
  }
}

/** What the trace saw of one op. */
export interface TracedOp {
  name: string;
  inputs: readonly Tensor[];
  attrs: Attrs;
  output: Tensor;
}
