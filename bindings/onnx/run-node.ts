// Runs one checked ONNX node: looks its inputs up, calls its converter, and checks it made the
// outputs the node declares.
import { ArgumentError } from '../index.js';
import type { Tensor } from '../tensor.js';
import { describeNode, type PlannedNode } from './graph.js';

export function runNode(
  { node, converter, attrs, opset }: PlannedNode, lookup: (name: string) => Tensor | undefined, training: boolean,
): Tensor[] {
  const inputs = node.inputs.map((name) => (name === '' ? undefined : lookup(name)));
  const outputCount = node.outputs.length;
  const result = converter.run(inputs, attrs, { node, opset, training, outputCount });
  const outputs = Array.isArray(result) ? result : [result];
  if (outputs.length < outputCount) {
    throw new ArgumentError(`onnx: ${describeNode(node)} made ${outputs.length} outputs, the graph declares ${outputCount}`);
  }
  return outputs;
}
