// Just enough of the ONNX protobuf to write a one-node model, so peers such as onnxruntime-web
// can run a single op without a model file. Field numbers are from onnx/onnx.proto.

const FLOAT = 1;
const INTS = 7;

function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

const tag = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => [...tag(field, 0), ...varint(n)];
const bytes = (field, data) => [...tag(field, 2), ...varint(data.length), ...data];
const str = (field, s) => bytes(field, [...new TextEncoder().encode(s)]);

function valueInfo(name, shape) {
  const dims = shape.flatMap((d) => bytes(1, int(1, d)));
  const tensorType = [...int(1, FLOAT), ...bytes(2, dims)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

function attribute(name, values) {
  return [...str(1, name), ...int(20, INTS), ...[values].flat().flatMap((v) => int(8, v))];
}

/**
 * A model of one node: `op` with float32 inputs and one float32 output of the given shapes,
 * and integer (list) attributes.
 */
export function oneNodeModel({ op, inputs, output, attributes = {}, opset = 13 }) {
  const inputNames = Object.keys(inputs);
  const node = [
    ...inputNames.flatMap((n) => str(1, n)),
    ...str(2, 'y'),
    ...str(3, 'node'),
    ...str(4, op),
    ...Object.entries(attributes).flatMap(([k, v]) => bytes(5, attribute(k, v))),
  ];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'g'),
    ...inputNames.flatMap((n) => bytes(11, valueInfo(n, inputs[n]))),
    ...bytes(12, valueInfo('y', output)),
  ];
  const opsetImport = [...str(1, ''), ...int(2, opset)];
  return new Uint8Array([...int(1, 8), ...bytes(7, graph), ...bytes(8, opsetImport)]);
}
