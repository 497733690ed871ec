// What an ONNX file holds, without loading it: inputs, outputs, parameters, op types, and every
// node wasmgrad cannot run. The `wasmgrad import` command prints it.
import { decodeModel, type ExternalData, type OnnxValueInfo } from './decode.js';
import { defaultOpset, graphInputs, graphProblems } from './graph.js';
import { isFloatDType } from './values.js';

export interface OnnxSummary {
  producerName: string;
  opset: number | null;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Float initializers: what load makes parameters (and buffers). */
  parameters: { name: string; dims: number[] }[];
  parameterCount: number;
  /** Op type → how many nodes. */
  ops: Record<string, number>;
  /** Why load would refuse the model, one line per problem (empty: it loads). */
  problems: string[];
}

/** The summary of the ONNX model in `bytes`; throws only when the bytes are not an ONNX model. */
export function inspect(bytes: Uint8Array, externalData?: ExternalData): OnnxSummary {
  const model = decodeModel(bytes, externalData);
  let opset: number | null = null;
  const problems: string[] = [];
  try {
    opset = defaultOpset(model);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length === 0) problems.push(...graphProblems(model));
  const parameters = model.graph.initializers.filter((t) => isFloatDType(t.dtype)).map((t) => ({ name: t.name, dims: t.dims }));
  const ops: Record<string, number> = {};
  for (const n of model.graph.nodes) ops[n.opType] = (ops[n.opType] ?? 0) + 1;
  return {
    producerName: model.producerName,
    opset,
    inputs: graphInputs(model.graph),
    outputs: model.graph.outputs,
    parameters,
    parameterCount: parameters.reduce((n, p) => n + p.dims.reduce((a, b) => a * b, 1), 0),
    ops,
    problems,
  };
}
