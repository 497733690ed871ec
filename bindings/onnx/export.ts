// onnx.export and onnx.save: trace a module's forward on example inputs, recording every op
// it runs (the op observer in autograd/registry.ts), and write the ops as an ONNX graph whose
// initializers are the module's parameters and buffers by their state-dict names. Like
// torch.onnx.export, the trace runs in eval mode and fixes the shapes of the example inputs.
import { ArgumentError, internals, noGrad, scope, Tensor } from '../index.js';
import type { Module } from '../nn/module.js';
import { encodeModel, type OutValue } from './encode.js';
import { EXPORT_OPSET, exporterFor } from './exporters.js';
import { GraphBuilder, type TracedOp } from './graph-builder.js';

const { setOpObserver } = internals;

export interface ExportOptions {
  /** Graph input names, in forward's order (default: the module's inputNames, else input_0, input_1...). */
  inputNames?: string[];
  /** Graph output names (default: the module's outputNames, else output_0...). */
  outputNames?: string[];
  /**
   * Declare dim 0 of every input and output as 'batch', any size (default false: the example's
   * sizes). For models whose forward does not fix the batch size: reshapes keep it, but constants
   * made in forward (a zero LSTM state, say) have the example's.
   */
  dynamicBatch?: boolean;
}

const EXPORT_OPTIONS = new Set(['inputNames', 'outputNames', 'dynamicBatch']);

const valueOf = (name: string, t: Tensor, dynamicBatch: boolean): OutValue =>
  ({ name, dtype: t.dtype, dims: t.shape.map((d, i) => (i === 0 && dynamicBatch ? 'batch' : d)) });

function outputsOf(result: unknown): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result) && result.every((t) => t instanceof Tensor)) return result;
  throw new ArgumentError(`onnx.export: forward must return a Tensor or an array of Tensors, got ${Object.prototype.toString.call(result)}`);
}

function namesFor(given: string[] | undefined, own: unknown, stem: string, n: number, what: string): string[] {
  const names = given ?? (Array.isArray(own) && own.length === n ? own : Array.from({ length: n }, (_, i) => `${stem}_${i}`));
  if (names.length !== n) throw new ArgumentError(`onnx.export: ${n} ${what}, but ${names.length} names given`);
  return names;
}

/** The ONNX file (opset 20) of `module` traced on `inputs`. */
export function exportModule(module: Module, inputs: Tensor[], opts: ExportOptions = {}): Uint8Array {
  for (const key of Object.keys(opts)) {
    if (!EXPORT_OPTIONS.has(key)) throw new ArgumentError(`onnx.export: unknown option '${key}'; options: ${[...EXPORT_OPTIONS].join(', ')}`);
  }
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((t) => t instanceof Tensor)) {
    throw new ArgumentError('onnx.export: give the example inputs as an array of Tensors, e.g. export(model, [x])');
  }
  const g = new GraphBuilder();
  const inputNames = namesFor(opts.inputNames, (module as { inputNames?: unknown }).inputNames, 'input', inputs.length, 'inputs');
  inputs.forEach((t, i) => g.define(t, inputNames[i]));
  const state = module.stateDict();
  for (const [name, t] of Object.entries(state)) g.define(t, name);
  const traced: TracedOp[] = [];
  const wasTraining = module.training;
  module.eval();
  const previous = setOpObserver((name, opInputs, attrs, output) => traced.push({ name, inputs: opInputs, attrs, output }));
  try {
    return scope(() => noGrad(() => {
      const outputs = outputsOf(module.forward(...inputs));
      for (const op of traced) exporterFor(op.name, op.output)(g, op, op.inputs.map((t) => g.nameOf(t)));
      const outputNames = namesFor(opts.outputNames, (module as { outputNames?: unknown }).outputNames, 'output', outputs.length, 'outputs');
      // An output that is an input or a parameter itself still needs a node making it.
      outputs.forEach((t, i) => g.node('Identity', [g.nameOf(t)], {}, [outputNames[i]]));
      const used = new Set(g.nodes.flatMap((n) => n.inputs));
      const initializers = [
        ...Object.entries(state).filter(([name]) => used.has(name)).map(([name, t]) => ({ name, dims: [...t.shape], data: Float32Array.from(t.toArray()) })),
        ...g.initializers,
      ];
      return encodeModel({
        name: module.constructor.name,
        nodes: g.nodes,
        initializers,
        inputs: inputs.map((t, i) => valueOf(inputNames[i], t, opts.dynamicBatch === true)),
        outputs: outputs.map((t, i) => valueOf(outputNames[i], t, opts.dynamicBatch === true)),
      }, EXPORT_OPSET, 'wasmgrad');
    }));
  } finally {
    setOpObserver(previous);
    module.train(wasTraining);
  }
}
