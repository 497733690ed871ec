// How each wasmgrad kernel is written as ONNX (opset 20) when onnx.export traces a module: one
// entry per kernel name, emitting the nodes that compute the op's output from its inputs' names.
// Parameters keep their state-dict names, so weights are the model's own initializers.
import { ArgumentError, internals } from '../index.js';
import type { Tensor } from '../tensor.js';
import type { GraphBuilder, TracedOp } from './graph-builder.js';

const { pair, sides } = internals;

export const EXPORT_OPSET = 20;

type Exporter = (g: GraphBuilder, op: TracedOp, names: string[]) => void;

const same = (opType: string): Exporter => (g, op, names) => g.emit(op.output, opType, names);

/** ONNX pads [top, left, bottom, right] of wasmgrad's padding (a number, [h, w] or four sides). */
function onnxPads(op: string, padding: unknown): number[] {
  const s = sides(op, padding ?? 0);
  return [s.top, s.left, s.bottom, s.right];
}

/** conv2d's 'same' and 'valid' as explicit pads, the odd pixel at the bottom/right as torch. */
function convPads(op: TracedOp): number[] {
  const { padding } = op.attrs;
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') return onnxPads('conv2d', padding);
  const dilation = pair('conv2d', 'dilation', op.attrs.dilation ?? 1, 1);
  const [th, tw] = [dilation[0] * (op.inputs[1].shape[2] - 1), dilation[1] * (op.inputs[1].shape[3] - 1)];
  return [th >> 1, tw >> 1, th - (th >> 1), tw - (tw >> 1)];
}

const ints = (op: string, name: string, v: unknown, fallback: number): number[] => pair(op, name, v ?? fallback, 0);

/** Slices rows [from, from + count) of dim 0 (a gate's block of an LSTM weight). */
const rows = (g: GraphBuilder, name: string, from: number, count: number): string =>
  g.node('Slice', [name, g.int64([from]), g.int64([from + count]), g.int64([0])])[0];

/** torch's gate blocks (i, f, g, o) in ONNX's order (i, o, f, c), along dim 0. */
const onnxGates = (g: GraphBuilder, name: string, H: number): string =>
  g.node('Concat', [0, 3, 1, 2].map((k) => rows(g, name, k * H, H)), { axis: 0 })[0];

const unsqueeze0 = (g: GraphBuilder, name: string): string => g.node('Unsqueeze', [name, g.int64([0])])[0];

/** A 2-D pooling's window, strides (default: the window), dilations, pads and ceil mode. */
const poolAttrs = (name: string, op: TracedOp): Record<string, number[] | number> => ({
  kernel_shape: ints(name, 'kernelSize', op.attrs.kernelSize, 1),
  strides: ints(name, 'stride', op.attrs.stride ?? op.attrs.kernelSize, 1),
  dilations: ints(name, 'dilation', op.attrs.dilation, 1),
  pads: onnxPads(name, op.attrs.padding),
  ceil_mode: op.attrs.ceilMode ? 1 : 0,
});

export const EXPORTERS: Readonly<Record<string, Exporter>> = {
  add: same('Add'),
  sub: same('Sub'),
  mul: same('Mul'),
  div: same('Div'),
  maximum: same('Max'),
  minimum: same('Min'),
  pow: same('Pow'),
  powScalar: (g, op, [x]) => g.emit(op.output, 'Pow', [x, g.float([op.attrs.exponent])]),
  affine: (g, op, [x]) => {
    const [scaled] = g.node('Mul', [x, g.float([op.attrs.scale])]);
    g.emit(op.output, 'Add', [scaled, g.float([op.attrs.shift])]);
  },
  neg: same('Neg'),
  abs: same('Abs'),
  exp: same('Exp'),
  log: same('Log'),
  sqrt: same('Sqrt'),
  rsqrt: (g, op, [x]) => g.emit(op.output, 'Reciprocal', g.node('Sqrt', [x])),
  square: (g, op, [x]) => g.emit(op.output, 'Mul', [x, x]),
  reciprocal: same('Reciprocal'),
  relu: same('Relu'),
  sigmoid: same('Sigmoid'),
  tanh: same('Tanh'),
  sin: same('Sin'),
  cos: same('Cos'),
  leakyRelu: (g, op, [x]) => g.emit(op.output, 'LeakyRelu', [x], { alpha: op.attrs.slope }, ['alpha']),
  gelu: (g, op, [x]) => g.emit(op.output, 'Gelu', [x], { approximate: op.attrs.approximate }),
  clamp: (g, op, [x]) => g.emit(op.output, 'Clip', [x, g.float([op.attrs.min]), g.float([op.attrs.max])]),

  matmul: same('MatMul'),
  // linear runs on 2-D x (the op flattens): y = x W^T + b.
  linear: (g, op, names) => g.emit(op.output, 'Gemm', names, { transB: 1 }),
  sum: (g, op, [x]) => g.emit(op.output, 'ReduceSum', [x, g.int64(op.attrs.dims)], { keepdims: op.attrs.keepdim ? 1 : 0 }),
  mean: (g, op, [x]) => g.emit(op.output, 'ReduceMean', [x, g.int64(op.attrs.dims)], { keepdims: op.attrs.keepdim ? 1 : 0 }),
  max: (g, op, [x]) => g.emit(op.output, 'ReduceMax', [x, g.int64(op.attrs.dims)], { keepdims: op.attrs.keepdim ? 1 : 0 }),
  min: (g, op, [x]) => g.emit(op.output, 'ReduceMin', [x, g.int64(op.attrs.dims)], { keepdims: op.attrs.keepdim ? 1 : 0 }),
  softmax: (g, op, [x]) => g.emit(op.output, 'Softmax', [x], { axis: op.attrs.dim }),
  logSoftmax: (g, op, [x]) => g.emit(op.output, 'LogSoftmax', [x], { axis: op.attrs.dim }),

  // A leading dim the reshape keeps is written as ONNX's 0 (copy the input's), so the batch size
  // of the example input is not baked into the graph.
  reshape: (g, op, [x]) => {
    const shape = (op.attrs.shape as number[]).map((d, i) => (i === 0 && d === op.inputs[0].shape[0] && d > 0 ? 0 : d));
    g.emit(op.output, 'Reshape', [x, g.int64(shape)]);
  },
  permute: (g, op, [x]) => g.emit(op.output, 'Transpose', [x], { perm: op.attrs.dims }),
  narrow: (g, op, [x]) => {
    const { dim, start, length } = op.attrs;
    g.emit(op.output, 'Slice', [x, g.int64([start]), g.int64([start + length]), g.int64([dim])]);
  },
  expand: (g, op, [x]) => g.emit(op.output, 'Expand', [x, g.int64(op.attrs.shape)]),
  contiguous: same('Identity'),
  cat: (g, op, names) => g.emit(op.output, 'Concat', names, { axis: op.attrs.dim }),
  gatherRows: (g, op, names) => g.emit(op.output, 'Gather', names, { axis: 0 }),
  gather: (g, op, names) => g.emit(op.output, 'GatherElements', names, { axis: op.attrs.dim }),
  where: same('Where'),

  conv2d: (g, op, names) => g.emit(op.output, 'Conv', names, {
    kernel_shape: op.inputs[1].shape.slice(2),
    strides: ints('conv2d', 'stride', op.attrs.stride, 1),
    dilations: ints('conv2d', 'dilation', op.attrs.dilation, 1),
    pads: convPads(op),
    group: op.attrs.groups ?? 1,
  }),
  convTranspose2d: (g, op, names) => {
    const outputPadding = ints('convTranspose2d', 'outputPadding', op.attrs.outputPadding, 0);
    g.emit(op.output, 'ConvTranspose', names, {
      kernel_shape: op.inputs[1].shape.slice(2),
      strides: ints('convTranspose2d', 'stride', op.attrs.stride, 1),
      dilations: ints('convTranspose2d', 'dilation', op.attrs.dilation, 1),
      pads: onnxPads('convTranspose2d', op.attrs.padding),
      output_padding: outputPadding,
      group: op.attrs.groups ?? 1,
    });
  },
  maxPool2d: (g, op, [x]) => g.emit(op.output, 'MaxPool', [x], poolAttrs('maxPool2d', op)),
  avgPool2d: (g, op, [x]) => g.emit(op.output, 'AveragePool', [x], { ...poolAttrs('avgPool2d', op), count_include_pad: op.attrs.countIncludePad ? 1 : 0 }),
  globalAvgPool2d: same('GlobalAveragePool'),
  globalMaxPool2d: same('GlobalMaxPool'),
  // Exported as inference: the running statistics, as torch.onnx.export in eval mode.
  batchNorm: (g, op, names) => {
    const { runningMean, runningVar, hasWeight, hasBias, eps } = op.attrs;
    if (runningMean === null) throw new ArgumentError('onnx.export: batchNorm without running statistics cannot be exported for inference');
    const C = op.inputs[0].shape[1];
    const scale = hasWeight ? names[1] : g.float(Array(C).fill(1), [C]);
    const bias = hasBias ? names[hasWeight ? 2 : 1] : g.float(Array(C).fill(0), [C]);
    g.emit(op.output, 'BatchNormalization', [names[0], scale, bias, g.nameOf(runningMean), g.nameOf(runningVar)], { epsilon: eps }, ['epsilon']);
  },
  // The packed (T + 2, B, H) output: y, then h_n and c_n. ONNX's weights are (1, 4H, in) in gate
  // order i, o, f, c, with both biases in one (1, 8H).
  lstm: (g, op, names) => {
    const slot = Object.fromEntries((op.attrs.slots as string[]).map((s, i) => [s, names[i]]));
    const H = op.output.shape[2];
    const B = op.output.shape[1];
    const bias = (s: string): string => (slot[s] ? onnxGates(g, slot[s], H) : g.float(Array(4 * H).fill(0), [4 * H]));
    const W = unsqueeze0(g, onnxGates(g, slot.wIh, H));
    const R = unsqueeze0(g, onnxGates(g, slot.wHh, H));
    const Bias = unsqueeze0(g, g.node('Concat', [bias('bIh'), bias('bHh')], { axis: 0 })[0]);
    const initial = (s: string): string => (slot[s] ? unsqueeze0(g, slot[s]) : g.float(Array(B * H).fill(0), [1, B, H]));
    const [Y, Yh, Yc] = g.node('LSTM', [slot.x, W, R, Bias, '', initial('h0'), initial('c0')], { hidden_size: H }, 3);
    const y = g.node('Squeeze', [Y, g.int64([1])])[0];
    g.emit(op.output, 'Concat', [y, Yh, Yc], { axis: 0 });
  },
  // Attention as its primitives: softmax(q k^T * scale + causal mask) v.
  attention: (g, op, names) => {
    if (op.inputs.length > 3) throw new ArgumentError('onnx.export: attention with a key padding mask is not exported yet');
    const [q, k, v] = names;
    const rank = op.inputs[1].ndim;
    const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
    const [kt] = g.node('Transpose', [k], { perm });
    let [scores] = g.node('Mul', g.node('MatMul', [q, kt]).concat(g.float([op.attrs.scale])));
    if (op.attrs.causal) {
      const [T, S] = [op.inputs[0].shape[rank - 2], op.inputs[1].shape[rank - 2]];
      const mask = Array.from({ length: T * S }, (_, i) => (i % S > Math.floor(i / S) ? -Infinity : 0));
      [scores] = g.node('Add', [scores, g.float(mask, [T, S])]);
    }
    g.emit(op.output, 'MatMul', [g.node('Softmax', [scores], { axis: -1 })[0], v]);
  },
};

/** The exporter of a kernel, or an error naming it and the kernels that export. */
export function exporterFor(kernel: string, output: Tensor): Exporter {
  const e = EXPORTERS[kernel];
  if (e === undefined) {
    throw new ArgumentError(
      `onnx.export: op ${kernel} (output ${JSON.stringify(output.shape)}) has no ONNX form yet; exported ops: ${Object.keys(EXPORTERS).sort().join(', ')}`,
    );
  }
  return e;
}
