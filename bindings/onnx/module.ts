// OnnxModule: a loaded ONNX graph as an nn.Module. Its float initializers are the parameters
// (trained) and buffers (BatchNormalization's running statistics), named by their ONNX names;
// forward runs the graph's nodes through the converters, so autograd records every op.
import { ArgumentError, DTypeError, formatShape, nn, ShapeError, Tensor } from '../index.js';
import type { OnnxValueInfo } from './decode.js';
import type { PlannedNode } from './graph.js';
import { runNode } from './run-node.js';
import { isFloatDType } from './values.js';

export interface OnnxModuleParts {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  steps: PlannedNode[];
  opset: number | null;
  parameters: Map<string, Tensor>;
  buffers: Map<string, Tensor>;
  /** Integer initializers and what was evaluated at load: fixed, not trained, not saved. */
  constants: Map<string, Tensor>;
  /** The op types of the graph as loaded, before constants were evaluated. */
  opTypes: string[];
}

export class OnnxModule extends nn.Module {
  /** The graph's input names, in the order forward takes them. */
  readonly inputNames: readonly string[];
  /** The graph's output names, in the order forward returns them. */
  readonly outputNames: readonly string[];
  /** The model's opset of the default domain (null when it imports none). */
  readonly opset: number | null;
  /** The op type of every node of the graph as loaded, in graph order. */
  readonly opTypes: readonly string[];
  /** The op types forward runs, in order: the graph less what load evaluated once. */
  readonly runtimeOpTypes: readonly string[];

  constructor(private readonly parts: OnnxModuleParts) {
    super();
    this.inputNames = parts.inputs.map((v) => v.name);
    this.outputNames = parts.outputs.map((v) => v.name);
    this.opset = parts.opset;
    this.opTypes = parts.opTypes;
    this.runtimeOpTypes = parts.steps.map((s) => s.node.opType);
    // A model leaves its exporter in inference mode: train() before fine-tuning, as after torch.onnx.export.
    this.training = false;
  }

  override *namedParameters(): IterableIterator<[string, Tensor]> {
    yield* this.parts.parameters;
  }

  override *namedBuffers(): IterableIterator<[string, Tensor]> {
    yield* this.parts.buffers;
  }

  /** One tensor per graph input, in inputNames order; one output, or every output in graph order. */
  forward(...inputs: Tensor[]): Tensor | Tensor[] {
    if (inputs.length !== this.parts.inputs.length) {
      throw new ArgumentError(`OnnxModule.forward: the graph takes ${this.parts.inputs.length} inputs (${this.inputNames.join(', ')}), got ${inputs.length}`);
    }
    const values = new Map<string, Tensor>([...this.parts.constants, ...this.parts.parameters, ...this.parts.buffers]);
    this.parts.inputs.forEach((info, i) => values.set(info.name, checkInput(info, inputs[i])));
    for (const step of this.parts.steps) {
      const outputs = runNode(step, (name) => values.get(name), this.training);
      step.node.outputs.forEach((name, i) => {
        if (name !== '') values.set(name, outputs[i]);
      });
    }
    const made = new Set(inputs);
    const results = this.outputNames.map((name) => {
      const t = values.get(name) as Tensor;
      // An output that is a constant, parameter or input comes out as its own Tensor, so that
      // disposing it leaves the module whole.
      return made.has(t) || this.parts.constants.get(name) === t || this.parts.parameters.get(name) === t || this.parts.buffers.get(name) === t ? t.alias() : t;
    });
    return results.length === 1 ? results[0] : results;
  }

  override dispose(): void {
    super.dispose();
    for (const t of new Set(this.parts.constants.values())) t.dispose();
  }
}

/** An input checked against the graph's declared dtype and static dims. */
function checkInput(info: OnnxValueInfo, t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`OnnxModule.forward: input '${info.name}' must be a Tensor, got ${String(t)}`);
  t.assertAlive(`OnnxModule.forward (input '${info.name}')`);
  const { dtype, shape } = info.type;
  const wanted = dtype !== undefined && isFloatDType(dtype) ? 'float32' : 'int32';
  if (t.dtype !== wanted) {
    throw new DTypeError(`OnnxModule.forward: input '${info.name}' is ${dtype} in the graph, so a ${wanted} tensor; got ${t.dtype} of shape ${formatShape(t.shape)}`);
  }
  if (shape) {
    const fits = shape.length === t.ndim && shape.every((d, i) => typeof d !== 'number' || d === t.shape[i]);
    if (!fits) {
      const declared = `[${shape.map((d) => d ?? '?').join(', ')}]`;
      throw new ShapeError(`OnnxModule.forward: input '${info.name}' has shape ${declared} in the graph, got ${formatShape(t.shape)}`);
    }
  }
  return t;
}
