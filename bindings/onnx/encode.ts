// Plain JS → ONNX bytes: the graph the exporter built, as a ModelProto through wire-writer.ts.
// Float tensors go as raw little-endian float32, shapes and axes as int64, as ONNX wants them.
import { onnxSchema, type OnnxSchema } from './schema.js';
import type { Encodable } from './wire.js';
import { encodeMessage } from './wire-writer.js';

type Proto<M extends keyof OnnxSchema> = Encodable<OnnxSchema, M>;

/** A tensor to write: float32 values or int64 ones (shapes, axes, indices). */
export interface OutTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array | BigInt64Array | Int32Array;
}

export type OutAttribute = number | string | number[] | OutTensor;

export interface OutNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OutAttribute>;
  /** Attributes written as floats although their values are whole numbers. */
  floatAttributes?: string[];
}

export interface OutValue {
  name: string;
  dtype: 'float32' | 'int32' | 'int64';
  /** A string is a symbolic dim (any size). */
  dims: readonly (number | string)[];
}

export interface OutGraph {
  name: string;
  nodes: OutNode[];
  initializers: OutTensor[];
  inputs: OutValue[];
  outputs: OutValue[];
}

const CODES = { float32: 1, int32: 6, int64: 7 } as const;

const dataType = (data: OutTensor['data']): number => (data instanceof Float32Array ? CODES.float32 : data instanceof Int32Array ? CODES.int32 : CODES.int64);

function tensorProto(t: OutTensor): Proto<'TensorProto'> {
  // Copied into a little-endian byte array (every platform wasm runs on is little-endian already).
  const rawData = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
  return { name: t.name, dims: [...t.dims], dataType: dataType(t.data), rawData };
}

function attributeProto(name: string, value: OutAttribute, asFloat: boolean): Proto<'AttributeProto'> {
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return asFloat || !Number.isInteger(value) ? { name, type: 1, f: value } : { name, type: 2, i: value };
  if (Array.isArray(value)) return asFloat ? { name, type: 6, floats: value } : { name, type: 7, ints: value };
  return { name, type: 4, t: tensorProto(value as OutTensor) };
}

const valueInfo = (v: OutValue): Proto<'ValueInfoProto'> => ({
  name: v.name,
  type: { tensorType: { elemType: CODES[v.dtype], shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

/** The ONNX file of one graph at the given opset of the default domain. */
export function encodeModel(graph: OutGraph, opset: number, producerName: string): Uint8Array {
  const nodes = graph.nodes.map((n): Proto<'NodeProto'> => ({
    opType: n.opType,
    name: n.name,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attributes).map(([k, v]) => attributeProto(k, v, n.floatAttributes?.includes(k) ?? false)),
  }));
  return encodeMessage(onnxSchema, 'ModelProto', {
    // IR version 9 is the one ONNX 1.14+ writes for opsets up to 20.
    irVersion: 9,
    producerName,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: graph.name,
      node: nodes,
      initializer: graph.initializers.map(tensorProto),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
}
