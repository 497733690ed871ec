// The subset of onnx.proto (ONNX IR, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
// wasmgrad reads and writes, declared once for wire-reader.ts and wire-writer.ts. Field numbers and
// types are the spec's (an enum of the spec is `enum` here); names are the spec's in camelCase.
// Fields we never read are left out: the reader skips them as unknown, and a written model does
// not need them.
import type { Schema } from './wire.js';

export const onnxSchema = {
  ModelProto: {
    irVersion: { id: 1, type: 'int64' },
    producerName: { id: 2, type: 'string' },
    producerVersion: { id: 3, type: 'string' },
    docString: { id: 6, type: 'string' },
    graph: { id: 7, type: 'GraphProto' },
    opsetImport: { id: 8, type: 'OperatorSetIdProto', repeated: true },
  },
  OperatorSetIdProto: {
    domain: { id: 1, type: 'string' },
    version: { id: 2, type: 'int64' },
  },
  GraphProto: {
    node: { id: 1, type: 'NodeProto', repeated: true },
    name: { id: 2, type: 'string' },
    initializer: { id: 5, type: 'TensorProto', repeated: true },
    input: { id: 11, type: 'ValueInfoProto', repeated: true },
    output: { id: 12, type: 'ValueInfoProto', repeated: true },
    valueInfo: { id: 13, type: 'ValueInfoProto', repeated: true },
  },
  NodeProto: {
    input: { id: 1, type: 'string', repeated: true },
    output: { id: 2, type: 'string', repeated: true },
    name: { id: 3, type: 'string' },
    opType: { id: 4, type: 'string' },
    attribute: { id: 5, type: 'AttributeProto', repeated: true },
    domain: { id: 7, type: 'string' },
  },
  AttributeProto: {
    name: { id: 1, type: 'string' },
    f: { id: 2, type: 'float' },
    i: { id: 3, type: 'int64' },
    s: { id: 4, type: 'bytes' },
    t: { id: 5, type: 'TensorProto' },
    g: { id: 6, type: 'GraphProto' },
    floats: { id: 7, type: 'float', repeated: true },
    ints: { id: 8, type: 'int64', repeated: true },
    strings: { id: 9, type: 'bytes', repeated: true },
    tensors: { id: 10, type: 'TensorProto', repeated: true },
    graphs: { id: 11, type: 'GraphProto', repeated: true },
    type: { id: 20, type: 'enum' },
    refAttrName: { id: 21, type: 'string' },
  },
  ValueInfoProto: {
    name: { id: 1, type: 'string' },
    type: { id: 2, type: 'TypeProto' },
  },
  TypeProto: {
    tensorType: { id: 1, type: 'TypeProtoTensor' },
    sequenceType: { id: 4, type: 'TypeProtoSequence' },
    optionalType: { id: 9, type: 'TypeProtoOptional' },
  },
  TypeProtoTensor: {
    elemType: { id: 1, type: 'int32' },
    shape: { id: 2, type: 'TensorShapeProto' },
  },
  TypeProtoSequence: {
    elemType: { id: 1, type: 'TypeProto' },
  },
  TypeProtoOptional: {
    elemType: { id: 1, type: 'TypeProto' },
  },
  TensorShapeProto: {
    dim: { id: 1, type: 'Dimension', repeated: true },
  },
  Dimension: {
    dimValue: { id: 1, type: 'int64' },
    dimParam: { id: 2, type: 'string' },
  },
  TensorProto: {
    dims: { id: 1, type: 'int64', repeated: true },
    dataType: { id: 2, type: 'int32' },
    floatData: { id: 4, type: 'float', repeated: true },
    int32Data: { id: 5, type: 'int32', repeated: true },
    stringData: { id: 6, type: 'bytes', repeated: true },
    int64Data: { id: 7, type: 'int64', repeated: true },
    name: { id: 8, type: 'string' },
    rawData: { id: 9, type: 'bytes' },
    doubleData: { id: 10, type: 'double', repeated: true },
    uint64Data: { id: 11, type: 'uint64', repeated: true },
    externalData: { id: 13, type: 'StringStringEntryProto', repeated: true },
    dataLocation: { id: 14, type: 'enum' },
  },
  StringStringEntryProto: {
    key: { id: 1, type: 'string' },
    value: { id: 2, type: 'string' },
  },
} as const satisfies Schema;

export type OnnxSchema = typeof onnxSchema;
