// A one-node ONNX model written with wasmgrad's own protobuf writer, so peers such as
// onnxruntime-web can run a single op without a model file.
import { onnxSchema } from '../../dist/bindings/onnx/schema.js';
import { encodeMessage } from '../../dist/bindings/onnx/wire-writer.js';

const FLOAT = 1;
const INTS = 7;

const valueInfo = (name, shape) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } });

/**
 * A model of one node: `op` with float32 inputs and one float32 output of the given shapes,
 * and integer (list) attributes.
 */
export function oneNodeModel({ op, inputs, output, attributes = {}, opset = 13 }) {
  const inputNames = Object.keys(inputs);
  return encodeMessage(onnxSchema, 'ModelProto', {
    irVersion: 8,
    graph: {
      node: [{
        input: inputNames, output: ['y'], name: 'node', opType: op,
        attribute: Object.entries(attributes).map(([name, v]) => ({ name, ints: [v].flat(), type: INTS })),
      }],
      name: 'g',
      input: inputNames.map((n) => valueInfo(n, inputs[n])),
      output: [valueInfo('y', output)],
    },
    opsetImport: [{ domain: '', version: opset }],
  });
}
