// onnx.load: ONNX bytes → a trainable OnnxModule. Decodes, checks every node before anything
// runs, turns initializers into parameters, buffers and constants, and evaluates the shape-only
// part of the graph once.
import { ArgumentError, keep } from '../index.js';
import type { Tensor } from '../tensor.js';
import { decodeModel, type ExternalData, type OnnxModel } from './decode.js';
import { foldConstants } from './fold.js';
import { defaultOpset, graphInputs, planNodes, type PlannedNode } from './graph.js';
import { OnnxModule } from './module.js';
import { isFloatDType, toTensor } from './values.js';

export interface LoadOptions {
  /** The bytes of the files that tensors stored outside the model name (ONNX external data), by file name. */
  externalData?: ExternalData;
}

const LOAD_OPTIONS = new Set(['externalData']);

/** The float initializers that converters declare as state (BatchNormalization's running statistics). */
function bufferNames(steps: readonly PlannedNode[]): Set<string> {
  const names = new Set<string>();
  for (const { node, converter } of steps) for (const i of converter.buffers ?? []) if (node.inputs[i]) names.add(node.inputs[i]);
  return names;
}

export function moduleFromModel(model: OnnxModel): OnnxModule {
  const opset = defaultOpset(model);
  const steps = planNodes(model);
  const buffers = bufferNames(steps);
  const parts = { parameters: new Map<string, Tensor>(), buffers: new Map<string, Tensor>(), constants: new Map<string, Tensor>() };
  try {
    for (const init of model.graph.initializers) {
      const t = keep(toTensor(init));
      if (!isFloatDType(init.dtype)) parts.constants.set(init.name, t);
      else if (buffers.has(init.name)) parts.buffers.set(init.name, t);
      else parts.parameters.set(init.name, t.requiresGrad_());
    }
    const left = foldConstants(steps, parts.constants);
    return new OnnxModule({
      ...parts, inputs: graphInputs(model.graph), outputs: model.graph.outputs, steps: left, opset, opTypes: model.graph.nodes.map((n) => n.opType),
    });
  } catch (e) {
    for (const group of Object.values(parts)) for (const t of group.values()) t.dispose();
    throw e;
  }
}

/** The ONNX model in `bytes` as an nn.Module whose float initializers train. */
export async function load(bytes: Uint8Array, opts: LoadOptions = {}): Promise<OnnxModule> {
  return loadSync(bytes, opts);
}

/** load() without the promise, for callers that cannot await. */
export function loadSync(bytes: Uint8Array, opts: LoadOptions = {}): OnnxModule {
  for (const key of Object.keys(opts)) {
    if (!LOAD_OPTIONS.has(key)) throw new ArgumentError(`onnx.load: unknown option '${key}'; options: ${[...LOAD_OPTIONS].join(', ')}`);
  }
  return moduleFromModel(decodeModel(bytes, opts.externalData));
}
