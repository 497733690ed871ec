// ONNX op types → wasmgrad ops, declared once each: the model opsets the mapping follows, the
// attributes it reads (any other attribute is refused at load), the attribute values it cannot
// express, and how it computes the outputs from wasmgrad tensors. Every output is made by
// wasmgrad's differentiable ops, so gradients flow through a loaded graph by our autograd;
// integer tensors (shapes, indices) are computed on the host (host-ops.ts) and carry no gradient.
import type { Attrs } from '../autograd/registry.js';
import {
  abs, adagradStep, adamStep, adaptiveAvgPool2d, add, argmax, ArgumentError, avgPool2d, avgPool3d, batchNorm, cat, clamp,
  conv2d, convTranspose2d, convTranspose3d, cos, crossEntropy, div, DTypeError, elu, eq, exp, expand, gather, gelu,
  globalMaxPool2d, gt, indexSelect, internals, layerNorm, leakyRelu, linear, log, logSoftmax, lt, matmul, max,
  maximum, maxPool2d, maxPool3d, mean, min, minimum, mul, narrow, neg, nllLoss, nn, permute, pow, reciprocal, relu,
  reshape, sgdStep, sigmoid, sin, softmax, sqrt, sub, sum, tanh, tensor, UnsupportedError, where
} from '../index.js';
import type { Tensor } from '../tensor.js';
import { dataTypeCode, dtypeName, type HostTensor, type OnnxNode } from './decode.js';
import { hostBinary, hostUnary, intsOf } from './host-ops.js';
import { geometry, liftAttrs1d, transposedPads, type Geometry } from './spatial.js';
import { isFloatDType, toTensor } from './values.js';

const { numel } = internals;
const { dropout, lstm } = nn.functional;

/** The model opsets (of the default domain) wasmgrad reads. */
export const OPSET_RANGE: readonly [number, number] = [11, 25];

export type AttrKind = 'int' | 'float' | 'string' | 'ints' | 'floats' | 'strings' | 'tensor';

export interface RunContext {
  node: OnnxNode;
  opset: number;
  /** The module's mode: Dropout drops and BatchNormalization uses batch statistics when true. */
  training: boolean;
  outputCount: number;
}

type Input = Tensor | undefined;

export interface Converter {
  /** The operator set domain ('' is ONNX's default, ai.onnx). */
  domain?: string;
  /** The first and last opset of its domain that this mapping follows. */
  opsets: readonly [number, number];
  /** The attributes read, with their kinds; a node with any other attribute is refused at load. */
  attributes: Readonly<Record<string, AttrKind>>;
  /** Why these attribute values cannot be expressed (checked at load), or null. */
  refuse?(attrs: Attrs, opset: number): string | null;
  /** Float inputs that are state, not trained (BatchNormalization's running statistics). */
  buffers?: readonly number[];
  /** Depends on the mode or on random numbers: never evaluated once at load. */
  dynamic?: boolean;
  run(inputs: Input[], attrs: Attrs, ctx: RunContext): Tensor | Tensor[];
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);
const isInt = (t: Tensor): boolean => t.dtype === 'int32';

const describe = (ctx: RunContext): string => `onnx node '${ctx.node.name || ctx.node.outputs[0]}' (${ctx.node.opType})`;

function need(ctx: RunContext, inputs: Input[], i: number): Tensor {
  const t = inputs[i];
  if (t === undefined) throw new ArgumentError(`${describe(ctx)}: input ${i} is required`);
  return t;
}

function expectFloat32(ctx: RunContext, t: Tensor, what: string): Tensor {
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${describe(ctx)}: ${what} is ${t.dtype}; this op maps float tensors`);
  }
  return t;
}

const ALL: readonly [number, number] = OPSET_RANGE;

/** A float op of one input; int inputs are refused with the node named. */
function unary(fn: (x: Tensor, attrs: Attrs) => Tensor, attributes: Record<string, AttrKind> = {}): Converter {
  return { opsets: ALL, attributes, run: (inputs, attrs, ctx) => fn(expectFloat32(ctx, need(ctx, inputs, 0), 'input 0'), attrs) };
}

/**
 * A broadcasting binary op: wasmgrad's op on float tensors, the host function on int32 ones
 * (shape arithmetic), `int` being ONNX's integer semantics.
 */
function binary(float: (a: Tensor, b: Tensor) => Tensor, int: (a: number, b: number) => number): Converter {
  return {
    opsets: ALL,
    attributes: {},
    run: (inputs, _attrs, ctx) => {
      const [a, b] = [need(ctx, inputs, 0), need(ctx, inputs, 1)];
      if (isInt(a) && isInt(b)) return hostBinary(ctx.node.opType, a, b, int, 'int32');
      return float(expectFloat32(ctx, a, 'input 0'), expectFloat32(ctx, b, 'input 1'));
    },
  };
}

/** Integer values as float32 for a float kernel, refusing those float32 would round (beyond 2^24). */
function exactFloat(ctx: RunContext, t: Tensor): Tensor {
  return hostUnary(t, (v) => {
    if (Math.abs(v) > 2 ** 24) throw new UnsupportedError(`${describe(ctx)}: int value ${v} is not exact in float32, which this op computes in`);
    return v;
  }, 'float32');
}

/** The axes of a reduction: the `axes` input from opset 18 (13 for ReduceSum), the attribute before. */
function reduction(fn: (x: Tensor, dims: number[], keepdim: boolean) => Tensor, axesInputFrom: number, square = false): Converter {
  return {
    opsets: ALL,
    attributes: { axes: 'ints', keepdims: 'int', noop_with_empty_axes: 'int' },
    refuse: (attrs, opset) => (opset >= axesInputFrom && attrs.axes !== undefined ? `the axes attribute belongs to opsets before ${axesInputFrom}` : null),
    run: (inputs, attrs, ctx) => {
      const input = need(ctx, inputs, 0);
      const x = isInt(input) ? exactFloat(ctx, input) : input;
      const axes: number[] = inputs[1] !== undefined ? intsOf(inputs[1]) : (attrs.axes ?? []);
      if (axes.length === 0 && attrs.noop_with_empty_axes === 1) return x;
      const all = axes.length === 0 ? range(0, x.ndim) : axes;
      if (all.some((a) => x.shape[normAxis(a, x.ndim)] === 0) && (fn === max || fn === min)) {
        throw new UnsupportedError(`${ctx.node.opType}: over a zero-size axis there is no value to return (wasmgrad refuses empty max/min, as torch.amax does)`);
      }
      const y = fn(square ? mul(x, x) : x, all, (attrs.keepdims ?? 1) === 1);
      return isInt(input) ? cast(y, 'int32') : y;
    },
  };
}

/** Softmax and LogSoftmax: before opset 13 the input is coerced to 2-D around `axis` (default 1). */
function softmaxLike(fn: (x: Tensor, dim: number) => Tensor): Converter {
  return {
    opsets: ALL,
    attributes: { axis: 'int' },
    run: (inputs, attrs, ctx) => {
      const x = expectFloat32(ctx, need(ctx, inputs, 0), 'input 0');
      if (ctx.opset >= 13) return fn(x, attrs.axis ?? -1);
      const axis = normAxis(attrs.axis ?? 1, x.ndim);
      const rows = numel(x.shape.slice(0, axis));
      return reshape(fn(reshape(x, [rows, numel(x.shape.slice(axis))]), 1), x.shape);
    },
  };
}

/** Axes given as an attribute before opset 13 and as an input from 13 (Squeeze, Unsqueeze, Split). */
const axesOf = (inputs: Input[], at: number, attrs: Attrs, name = 'axes'): number[] | undefined =>
  inputs[at] !== undefined ? intsOf(inputs[at] as Tensor) : attrs[name];

const SPATIAL_ATTRS = { kernel_shape: 'ints', strides: 'ints', pads: 'ints', dilations: 'ints', auto_pad: 'string' } as const;
const refuseAutoPad = (attrs: Attrs): string | null =>
  attrs.auto_pad !== undefined && !['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(attrs.auto_pad) ? `auto_pad ${attrs.auto_pad}` : null;

/** Runs a 2-D (or 3-D) op, lifting 1-D (N, C, L) tensors to height-1 images and back. */
function spatial1d(inputs: Input[], attrs: Attrs, call: (xs: Input[], attrs: Attrs) => Tensor | Tensor[]): Tensor | Tensor[] {
  const x = inputs[0] as Tensor;
  if (x.ndim !== 3) return call(inputs, attrs);
  const lift = (t: Input): Input => (t !== undefined && t.ndim === 3 ? reshape(t, [t.shape[0], t.shape[1], 1, t.shape[2]]) : t);
  const flat = (y: Tensor): Tensor => reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
  const ys = call(inputs.map(lift), liftAttrs1d(attrs));
  return Array.isArray(ys) ? ys.map(flat) : flat(ys);
}

/** MaxPool's Indices in ONNX's form: flat over the whole tensor, column-major planes for storage_order 1. */
function onnxIndices(indices: Tensor, inputShape: readonly number[], columnMajor: boolean): Tensor {
  const [, , H, W] = inputShape;
  const volume = numel(inputShape.slice(2));
  const perVolume = numel(indices.shape.slice(2));
  const flat = Int32Array.from(indices.toArray(), (i, o) => {
    const within = columnMajor ? (i % W) * H + Math.floor(i / W) : i;
    return Math.floor(o / perVolume) * volume + within;
  });
  return tensor(flat, indices.shape, 'int32');
}

/** ONNX indices may be negative (from the end); wasmgrad's index ops want them in [0, size). */
function wrapIndices(ctx: RunContext, indices: Tensor, size: number): Tensor {
  return hostUnary(indices, (i) => {
    if (i < -size || i >= size) throw new ArgumentError(`${describe(ctx)}: index ${i} is out of range for a dim of size ${size}`);
    return i < 0 ? i + size : i;
  }, 'int32');
}

/** ONNX Cast's target: float types become float32, integers and bool int32 (bool as 0/1). */
function cast(x: Tensor, to: string): Tensor {
  if (isFloatDType(to)) return isInt(x) ? hostUnary(x, (v) => v, 'float32') : x;
  if (to === 'bool') return hostUnary(x, (v) => (v !== 0 ? 1 : 0), 'int32');
  return isInt(x) ? x : hostUnary(x, Math.trunc, 'int32');
}

/** A windowed 2-D or 3-D pooling (1-D as height 1), `call` given the resolved geometry. */
function pooling(
  opType: string, extra: Record<string, AttrKind>, call: (x: Tensor, g: Geometry, attrs: Attrs, ctx: RunContext) => Tensor | Tensor[],
): Converter {
  return {
    opsets: ALL,
    attributes: { ...SPATIAL_ATTRS, ceil_mode: 'int', ...extra },
    refuse: refuseAutoPad,
    run: (inputs, attrs, ctx) => spatial1d(inputs, attrs, ([x], a) => {
      const input = expectFloat32(ctx, x as Tensor, 'input 0');
      return call(input, geometry(opType, a, input.shape, a.kernel_shape, [2, 3]), a, ctx);
    }),
  };
}

/** A pooling over each whole (N, C) plane. */
function globalPool(fn: (x: Tensor) => Tensor): Converter {
  return {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const x = need(ctx, inputs, 0);
      if (x.ndim !== 4) throw new UnsupportedError(`${describe(ctx)}: input of shape [${x.shape}]; only (N,C,H,W) is mapped`);
      return fn(x);
    },
  };
}

const lossAttrs = { ignore_index: 'int', reduction: 'string' } as const;
const refuseReduction = (attrs: Attrs): string | null =>
  attrs.reduction !== undefined && !['none', 'mean', 'sum'].includes(attrs.reduction) ? `reduction '${attrs.reduction}'` : null;

/** ONNX's gate blocks (i, o, f, c) along dim 0 in torch's order (i, f, g, o). */
function torchGates(t: Tensor, H: number): Tensor {
  return cat([0, 2, 3, 1].map((k) => narrow(t, 0, k * H, H)), 0);
}

const DEFAULT_LSTM_ACTIVATIONS = ['Sigmoid', 'Tanh', 'Tanh'];

export const TRAINING_DOMAIN = 'ai.onnx.preview.training';

/**
 * ONNX's optimizer ops take (R, T, X1..Xn, G1..Gn, then `groups` more per-tensor states) and
 * return the updated X and states: wasmgrad's fused update runs in place on copies of them.
 */
function optimizer(
  attributes: Record<string, AttrKind>, groups: number, step: (x: Tensor, g: Tensor, states: Tensor[], lr: number, t: number, attrs: Attrs) => void,
  refuse?: Converter['refuse'],
): Converter {
  return {
    domain: TRAINING_DOMAIN,
    opsets: [1, 1],
    attributes,
    refuse,
    run: (inputs, attrs, ctx) => {
      const [lr, t, ...rest] = inputs.map((_, i) => need(ctx, inputs, i));
      const n = rest.length / (2 + groups);
      const copy = (k: number): Tensor[] => rest.slice(k * n, (k + 1) * n).map((v) => mul(v, 1));
      const xs = copy(0);
      const states = Array.from({ length: groups }, (_, k) => copy(2 + k));
      xs.forEach((x, i) => step(x, rest[n + i], states.map((s) => s[i]), lr.item(), t.item(), attrs));
      return [...xs, ...states.flat()];
    },
  };
}

export const CONVERTERS: Readonly<Record<string, Converter>> = {
  // ONNX Adam adds epsilon to sqrt(H) before bias correction; torch after, so the same update
  // needs eps / sqrt(1 - beta2^t). T = 0 means no bias correction (adamStep's step 0).
  Adam: optimizer(
    { alpha: 'float', beta: 'float', epsilon: 'float', norm_coefficient: 'float', norm_coefficient_post: 'float' }, 2,
    (x, g, [v, h], lr, t, a) => {
      const beta2 = a.beta ?? 0.999;
      const eps = a.epsilon ?? 1e-6;
      adamStep(x, g, v, h, { lr, beta1: a.alpha ?? 0.9, beta2, eps: t > 0 ? eps / Math.sqrt(1 - beta2 ** t) : eps, weightDecay: a.norm_coefficient ?? 0, step: t });
    },
    (a) => (a.norm_coefficient_post ? 'norm_coefficient_post (it scales the parameter after the update; torch decays it before)' : null),
  ),
  // ONNX's T counts the steps taken; torch's step counts this one too.
  Adagrad: optimizer({ decay_factor: 'float', epsilon: 'float', norm_coefficient: 'float' }, 1, (x, g, [h], lr, t, a) =>
    adagradStep(x, g, h, { lr, lrDecay: a.decay_factor ?? 0, weightDecay: a.norm_coefficient ?? 0, eps: a.epsilon ?? 0, step: t + 1 })),
  // V = alpha V + beta G (beta is 1 on the first step, T = 0); torch's dampening is 1 - beta.
  Momentum: optimizer({ alpha: 'float', beta: 'float', mode: 'string', norm_coefficient: 'float' }, 1, (x, g, [v], lr, t, a) =>
    sgdStep(x, g, v, { lr, momentum: a.alpha, dampening: t > 0 ? 1 - a.beta : 0, weightDecay: a.norm_coefficient, nesterov: a.mode === 'nesterov' })),

  Add: binary(add, (a, b) => a + b),
  Sub: binary(sub, (a, b) => a - b),
  Mul: binary(mul, (a, b) => a * b),
  Div: binary(div, (a, b) => Math.trunc(a / b)),
  Max: binary(maximum, Math.max),
  Min: binary(minimum, Math.min),
  // The exponent's dtype does not change the result's (the base's): int exponents are widened exactly.
  Pow: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const [base, exponent] = [need(ctx, inputs, 0), need(ctx, inputs, 1)];
      if (isInt(base)) return hostBinary('Pow', base, exponent, (a, b) => Math.trunc(a ** b), 'int32');
      return pow(base, cast(exponent, 'float32'));
    },
  },
  // Comparisons give 0/1: float32 from wasmgrad's ops, int32 from the host's.
  Equal: binary(eq, (a, b) => Number(a === b)),
  Less: binary(lt, (a, b) => Number(a < b)),
  Greater: binary(gt, (a, b) => Number(a > b)),
  Where: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => where(need(ctx, inputs, 0), need(ctx, inputs, 1), need(ctx, inputs, 2)),
  },
  Neg: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const x = need(ctx, inputs, 0);
      return isInt(x) ? hostUnary(x, (v) => -v, 'int32') : neg(x);
    },
  },
  Abs: unary((x) => abs(x)),
  Exp: unary((x) => exp(x)),
  Log: unary((x) => log(x)),
  Sqrt: unary((x) => sqrt(x)),
  Reciprocal: unary((x) => reciprocal(x)),
  Sin: unary((x) => sin(x)),
  Cos: unary((x) => cos(x)),
  Relu: unary((x) => relu(x)),
  Sigmoid: unary((x) => sigmoid(x)),
  Tanh: unary((x) => tanh(x)),
  LeakyRelu: unary((x, a) => leakyRelu(x, a.alpha ?? 0.01), { alpha: 'float' }),
  Elu: unary((x, a) => elu(x, a.alpha ?? 1), { alpha: 'float' }),
  Gelu: {
    ...unary((x, a) => gelu(x, a.approximate ?? 'none'), { approximate: 'string' }),
    refuse: (a) => (a.approximate !== undefined && !['none', 'tanh'].includes(a.approximate) ? `approximate '${a.approximate}'` : null),
  },
  // min and max are inputs from opset 11.
  Clip: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const bound = (i: number, fallback: number): number => (inputs[i] === undefined ? fallback : (inputs[i] as Tensor).item());
      return clamp(expectFloat32(ctx, need(ctx, inputs, 0), 'input 0'), bound(1, -Infinity), bound(2, Infinity));
    },
  },
  Identity: { opsets: ALL, attributes: {}, run: (inputs, _a, ctx) => need(ctx, inputs, 0) },

  MatMul: { opsets: ALL, attributes: {}, run: (inputs, _a, ctx) => matmul(need(ctx, inputs, 0), need(ctx, inputs, 1)) },
  // Y = alpha * A' B' + beta * C, from matmul so the defaults are matmul (+ add) alone.
  Gemm: {
    opsets: ALL,
    attributes: { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' },
    run: (inputs, attrs, ctx) => {
      const [a, b, c] = inputs;
      const alpha = attrs.alpha ?? 1;
      const beta = attrs.beta ?? 1;
      const lhs = attrs.transA ? permute(need(ctx, inputs, 0), [1, 0]) : (a as Tensor);
      const rhs = attrs.transB ? permute(need(ctx, inputs, 1), [1, 0]) : (b as Tensor);
      // The common Linear form runs as wasmgrad's linear (one fused GEMM with the bias).
      if (!attrs.transA && attrs.transB && alpha === 1 && (c === undefined || (beta === 1 && c.ndim === 1))) {
        return linear(need(ctx, inputs, 0), need(ctx, inputs, 1), c);
      }
      let y = matmul(lhs, rhs);
      if (alpha !== 1) y = mul(y, alpha);
      if (c === undefined || beta === 0) return y;
      return add(y, beta === 1 ? c : mul(c, beta));
    },
  },

  ReduceSum: reduction(sum, 13),
  ReduceMean: reduction(mean, 18),
  ReduceMax: reduction(max, 18),
  ReduceMin: reduction(min, 18),
  ReduceSumSquare: reduction(sum, 18, true),
  ArgMax: {
    opsets: ALL,
    attributes: { axis: 'int', keepdims: 'int', select_last_index: 'int' },
    refuse: (a) => (a.select_last_index ? 'select_last_index 1 (wasmgrad returns the first maximum, as torch)' : null),
    run: (inputs, attrs, ctx) => argmax(need(ctx, inputs, 0), attrs.axis ?? 0, (attrs.keepdims ?? 1) === 1),
  },

  Softmax: softmaxLike(softmax),
  LogSoftmax: softmaxLike(logSoftmax),

  // Mean and InvStdDev (optional outputs) are what F.layer_norm does not return: recomputed here.
  LayerNormalization: {
    opsets: [17, OPSET_RANGE[1]],
    attributes: { axis: 'int', epsilon: 'float', stash_type: 'int' },
    refuse: (a) => (a.stash_type !== undefined && a.stash_type !== 1 ? `stash_type ${a.stash_type} (compute in another type)` : null),
    run: (inputs, attrs, ctx) => {
      const x = expectFloat32(ctx, need(ctx, inputs, 0), 'input 0');
      const axis = normAxis(attrs.axis ?? -1, x.ndim);
      const eps = attrs.epsilon ?? 1e-5;
      const y = layerNorm(x, x.shape.slice(axis), inputs[1], inputs[2], eps);
      if (ctx.outputCount === 1) return y;
      const axes = range(axis, x.ndim);
      const m = mean(x, axes, true);
      const centred = sub(x, m);
      const invStdDev = reciprocal(sqrt(add(mean(mul(centred, centred), axes, true), eps)));
      return [y, m, invStdDev].slice(0, ctx.outputCount);
    },
  },
  // In the module's training mode (as torch's BatchNorm): batch statistics, running ones updated in
  // place with torch's rule (momentum 1 - ONNX's, unbiased variance). A node with training_mode 1
  // asks for ONNX's own outputs: running statistics blended with the population variance.
  BatchNormalization: {
    opsets: [14, OPSET_RANGE[1]],
    attributes: { epsilon: 'float', momentum: 'float', training_mode: 'int' },
    buffers: [3, 4],
    dynamic: true,
    run: (inputs, attrs, ctx) => {
      const [x, scale, bias, runMean, runVar] = [0, 1, 2, 3, 4].map((i) => need(ctx, inputs, i));
      const eps = attrs.epsilon ?? 1e-5;
      const momentum = attrs.momentum ?? 0.9;
      if (attrs.training_mode !== 1) {
        return batchNorm(x, runMean, runVar, { weight: scale, bias, eps, training: ctx.training, momentum: 1 - momentum });
      }
      const y = batchNorm(x, null, null, { weight: scale, bias, eps, training: true });
      if (ctx.outputCount === 1) return y;
      const axes = [0, ...range(2, x.ndim)];
      const centred = sub(x, mean(x, axes, true));
      const blend = (running: Tensor, batch: Tensor): Tensor => add(mul(running, momentum), mul(batch, 1 - momentum));
      return [y, blend(runMean, mean(x, axes)), blend(runVar, mean(mul(centred, centred), axes))].slice(0, ctx.outputCount);
    },
  },
  // Active in the module's training mode or when the graph's training_mode input says so.
  Dropout: {
    opsets: [12, OPSET_RANGE[1]],
    attributes: { seed: 'int' },
    dynamic: true,
    run: (inputs, _a, ctx) => {
      const x = need(ctx, inputs, 0);
      const ratio = inputs[1] === undefined ? 0.5 : inputs[1].item();
      const active = ctx.training || (inputs[2] !== undefined && inputs[2].item() !== 0);
      const y = dropout(x, ratio, active);
      if (ctx.outputCount === 1) return y;
      return [y, active ? hostUnary(y, (v) => (v !== 0 ? 1 : 0), 'int32') : hostUnary(x, () => 1, 'int32')];
    },
  },

  Transpose: {
    opsets: ALL,
    attributes: { perm: 'ints' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      return permute(x, attrs.perm ?? range(0, x.ndim).reverse());
    },
  },
  // ONNX's 0 copies the input's dim unless allowzero is set.
  Reshape: {
    opsets: ALL,
    attributes: { allowzero: 'int' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const shape = intsOf(need(ctx, inputs, 1));
      return reshape(x, attrs.allowzero ? shape : shape.map((d, i) => (d === 0 ? x.shape[i] : d)));
    },
  },
  Flatten: {
    opsets: ALL,
    attributes: { axis: 'int' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const axis = normAxis(attrs.axis ?? 1, x.ndim);
      return reshape(x, [numel(x.shape.slice(0, axis)), numel(x.shape.slice(axis))]);
    },
  },
  Squeeze: {
    opsets: ALL,
    attributes: { axes: 'ints' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const axes = (axesOf(inputs, 1, attrs) ?? range(0, x.ndim).filter((d) => x.shape[d] === 1)).map((a) => normAxis(a, x.ndim));
      for (const a of axes) {
        if (x.shape[a] !== 1) throw new ArgumentError(`${describe(ctx)}: axis ${a} of shape [${x.shape}] is not 1`);
      }
      return reshape(x, x.shape.filter((_, d) => !axes.includes(d)));
    },
  },
  Unsqueeze: {
    opsets: ALL,
    attributes: { axes: 'ints' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const axes: number[] = axesOf(inputs, 1, attrs) ?? [];
      const rank = x.ndim + axes.length;
      const at = new Set(axes.map((a) => normAxis(a, rank)));
      const rest = [...x.shape];
      return reshape(x, range(0, rank).map((d) => (at.has(d) ? 1 : (rest.shift() as number))));
    },
  },
  Concat: { opsets: ALL, attributes: { axis: 'int' }, run: (inputs, attrs) => cat(inputs.filter((t): t is Tensor => t !== undefined), attrs.axis) },
  Split: {
    opsets: ALL,
    attributes: { axis: 'int', split: 'ints', num_outputs: 'int' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const axis = normAxis(attrs.axis ?? 0, x.ndim);
      const n = ctx.outputCount;
      const sizes: number[] = axesOf(inputs, 1, attrs, 'split') ?? (() => {
        const each = Math.ceil(x.shape[axis] / n);
        return range(0, n).map((i) => Math.min(each, x.shape[axis] - i * each));
      })();
      let start = 0;
      return sizes.map((len) => {
        const part = narrow(x, axis, start, len);
        start += len;
        return part;
      });
    },
  },
  // Steps other than 1 pick their indices with indexSelect.
  Slice: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      let x = need(ctx, inputs, 0);
      const starts = intsOf(need(ctx, inputs, 1));
      const ends = intsOf(need(ctx, inputs, 2));
      const axes = inputs[3] === undefined ? range(0, starts.length) : intsOf(inputs[3]);
      const steps = inputs[4] === undefined ? starts.map(() => 1) : intsOf(inputs[4]);
      axes.forEach((rawAxis, k) => {
        const axis = normAxis(rawAxis, x.ndim);
        const size = x.shape[axis];
        const step = steps[k];
        const clampTo = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + size : v, lo), hi);
        const [lo, hi] = step > 0 ? [0, size] : [-1, size - 1];
        const start = clampTo(starts[k], lo, hi);
        const end = clampTo(ends[k], lo, hi);
        if (step === 1) {
          x = narrow(x, axis, start, Math.max(0, end - start));
          return;
        }
        const picked: number[] = [];
        for (let i = start; step > 0 ? i < end : i > end; i += step) picked.push(i);
        x = indexSelect(x, axis, tensor(picked, [picked.length], 'int32'));
      });
      return x;
    },
  },
  // Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:].
  Gather: {
    opsets: ALL,
    attributes: { axis: 'int' },
    run: (inputs, attrs, ctx) => {
      const [x, indices] = [need(ctx, inputs, 0), need(ctx, inputs, 1)];
      const axis = normAxis(attrs.axis ?? 0, x.ndim);
      const index = wrapIndices(ctx, indices, x.shape[axis]);
      const y = indexSelect(x, axis, reshape(index, [index.size]));
      if (indices.ndim === 1) return y;
      return reshape(y, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]);
    },
  },
  GatherElements: {
    opsets: ALL,
    attributes: { axis: 'int' },
    run: (inputs, attrs, ctx) => {
      const x = need(ctx, inputs, 0);
      const axis = normAxis(attrs.axis ?? 0, x.ndim);
      return gather(x, axis, wrapIndices(ctx, need(ctx, inputs, 1), x.shape[axis]));
    },
  },
  Expand: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const x = need(ctx, inputs, 0);
      const wanted = intsOf(need(ctx, inputs, 1));
      const rank = Math.max(wanted.length, x.ndim);
      const padded = [...Array(rank - x.ndim).fill(1), ...x.shape];
      const full = [...Array(rank - wanted.length).fill(1), ...wanted];
      return expand(reshape(x, padded), padded.map((d, i) => (d === 1 ? full[i] : d)));
    },
  },

  Shape: {
    opsets: ALL,
    attributes: { start: 'int', end: 'int' },
    run: (inputs, attrs, ctx) => {
      const { shape } = need(ctx, inputs, 0);
      const r = shape.length;
      const bound = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
      const dims = shape.slice(bound(attrs.start ?? 0), bound(attrs.end ?? r));
      return tensor(dims, [dims.length], 'int32');
    },
  },
  Constant: {
    opsets: ALL,
    attributes: { value: 'tensor', value_float: 'float', value_floats: 'floats', value_int: 'int', value_ints: 'ints' },
    run: (_inputs, attrs, ctx) => {
      if (attrs.value !== undefined) return toTensor(attrs.value as HostTensor);
      if (attrs.value_float !== undefined) return tensor([attrs.value_float], []);
      if (attrs.value_floats !== undefined) return tensor(attrs.value_floats, [attrs.value_floats.length]);
      if (attrs.value_int !== undefined) return tensor([attrs.value_int], [], 'int32');
      if (attrs.value_ints !== undefined) return tensor(attrs.value_ints, [attrs.value_ints.length], 'int32');
      throw new ArgumentError(`${describe(ctx)}: no value attribute`);
    },
  },
  ConstantOfShape: {
    opsets: ALL,
    attributes: { value: 'tensor' },
    run: (inputs, attrs, ctx) => {
      const shape = intsOf(need(ctx, inputs, 0));
      const value = attrs.value === undefined ? tensor([0], [1]) : toTensor(attrs.value as HostTensor);
      return expand(reshape(value, shape.map(() => 1)), shape);
    },
  },
  Cast: {
    opsets: ALL,
    attributes: { to: 'int', saturate: 'int' },
    refuse: (a) => (dataTypeCode(dtypeName(a.to)) === undefined || dtypeName(a.to) === 'string' ? `to ${dtypeName(a.to)}` : null),
    run: (inputs, attrs, ctx) => cast(need(ctx, inputs, 0), dtypeName(attrs.to)),
  },
  Range: {
    opsets: ALL,
    attributes: {},
    run: (inputs, _a, ctx) => {
      const [start, limit, delta] = [0, 1, 2].map((i) => need(ctx, inputs, i));
      const [s, l, d] = [start.item(), limit.item(), delta.item()];
      const n = Math.max(Math.ceil((l - s) / d), 0);
      return tensor(range(0, n).map((i) => s + i * d), [n], start.dtype);
    },
  },

  NegativeLogLikelihoodLoss: {
    opsets: ALL,
    attributes: lossAttrs,
    refuse: refuseReduction,
    run: (inputs, attrs, ctx) =>
      nllLoss(need(ctx, inputs, 0), need(ctx, inputs, 1), { weight: inputs[2], ignoreIndex: attrs.ignore_index, reduction: attrs.reduction ?? 'mean' }),
  },
  // The optional second output is the log-probabilities over the class axis.
  SoftmaxCrossEntropyLoss: {
    opsets: ALL,
    attributes: lossAttrs,
    refuse: refuseReduction,
    run: (inputs, attrs, ctx) => {
      const scores = need(ctx, inputs, 0);
      const loss = crossEntropy(scores, need(ctx, inputs, 1), { weight: inputs[2], ignoreIndex: attrs.ignore_index, reduction: attrs.reduction ?? 'mean' });
      return ctx.outputCount === 1 ? loss : [loss, logSoftmax(scores, 1)];
    },
  },

  // One forward layer in wasmgrad's fused LSTM, the weights reordered to torch's gates in the graph
  // (so their gradients reach the ONNX initializers).
  LSTM: {
    opsets: ALL,
    attributes: { hidden_size: 'int', direction: 'string', layout: 'int', activations: 'strings', input_forget: 'int' },
    refuse: (a) => {
      if (a.direction !== undefined && a.direction !== 'forward') return `direction '${a.direction}' (only 'forward' is mapped)`;
      if (a.layout) return `layout ${a.layout} (only 0, sequence first, is mapped)`;
      if (a.input_forget) return 'input_forget 1';
      if (a.activations !== undefined && a.activations.join() !== DEFAULT_LSTM_ACTIVATIONS.join()) return `activations ${a.activations.join(', ')}`;
      return null;
    },
    run: (inputs, attrs, ctx) => {
      const [x, W, R] = [0, 1, 2].map((i) => need(ctx, inputs, i));
      const [bias, seqLens, h0, c0, peephole] = [3, 4, 5, 6, 7].map((i) => inputs[i]);
      const [T, B] = x.shape;
      if (peephole !== undefined) throw new UnsupportedError(`${describe(ctx)}: peephole weights (input P)`);
      if (seqLens !== undefined && intsOf(seqLens).some((n) => n !== T)) throw new UnsupportedError(`${describe(ctx)}: sequence_lens shorter than the sequence`);
      const H = attrs.hidden_size ?? R.shape[2];
      const wIh = torchGates(reshape(W, W.shape.slice(1)), H);
      const wHh = torchGates(reshape(R, R.shape.slice(1)), H);
      const flatBias = bias === undefined ? undefined : reshape(bias, [8 * H]);
      const state = (t: Input): Tensor | null => (t === undefined ? null : reshape(t, [B, H]));
      const { y, hn, cn } = lstm(
        x, state(h0), state(c0), wIh, wHh,
        flatBias ? torchGates(narrow(flatBias, 0, 0, 4 * H), H) : null, flatBias ? torchGates(narrow(flatBias, 0, 4 * H, 4 * H), H) : null,
      );
      return [reshape(y, [T, 1, B, H]), reshape(hn, [1, B, H]), reshape(cn, [1, B, H])];
    },
  },

  Conv: {
    opsets: ALL,
    attributes: { ...SPATIAL_ATTRS, group: 'int' },
    refuse: refuseAutoPad,
    run: (inputs, attrs, ctx) => spatial1d(inputs, attrs, ([x, w, b], a) => {
      const g = geometry('Conv', a, (x as Tensor).shape, a.kernel_shape ?? (w as Tensor).shape.slice(2), [2]);
      return conv2d(x as Tensor, need(ctx, [x, w], 1), b, { stride: g.stride as any, padding: g.padding as any, dilation: g.dilation as any, groups: a.group ?? 1 });
    }),
  },
  // output_shape and auto_pad SAME_* become pads and output_padding (spatial.ts).
  ConvTranspose: {
    opsets: ALL,
    attributes: { ...SPATIAL_ATTRS, group: 'int', output_padding: 'ints', output_shape: 'ints' },
    refuse: refuseAutoPad,
    run: (inputs, attrs, ctx) => spatial1d(inputs, attrs, ([x, w, b], a) => {
      const weight = need(ctx, [x, w], 1);
      const kernel = a.kernel_shape ?? weight.shape.slice(2);
      const resolved = transposedPads(a, (x as Tensor).shape, kernel);
      const g = geometry('ConvTranspose', resolved, (x as Tensor).shape, kernel, [2, 3]);
      const opts = {
        stride: g.stride, padding: g.padding, dilation: g.dilation, groups: resolved.group ?? 1,
        outputPadding: resolved.output_padding ?? Array(g.rank).fill(0),
      } as any;
      return g.rank === 3 ? convTranspose3d(x as Tensor, weight, b, opts) : convTranspose2d(x as Tensor, weight, b, opts);
    }),
  },
  // The optional second output, Indices, comes from returnIndices.
  MaxPool: pooling('MaxPool', { storage_order: 'int' }, (input, g, a, ctx) => {
    const returnIndices = ctx.outputCount > 1;
    if (returnIndices && g.rank === 3 && a.storage_order === 1) throw new UnsupportedError(`${describe(ctx)}: storage_order 1 for 3-D indices`);
    const opts = { stride: g.stride, padding: g.padding, dilation: g.dilation, ceilMode: a.ceil_mode === 1, returnIndices } as any;
    const result = g.rank === 3 ? maxPool3d(input, a.kernel_shape, opts) : maxPool2d(input, a.kernel_shape, opts);
    if (!returnIndices) return result as unknown as Tensor;
    const [y, indices] = result as unknown as [Tensor, Tensor];
    return [y, onnxIndices(indices, input.shape, a.storage_order === 1)];
  }),
  AveragePool: pooling('AveragePool', { count_include_pad: 'int' }, (input, g, a) => {
    const opts = { stride: g.stride, padding: g.padding, dilation: g.dilation, ceilMode: a.ceil_mode === 1, countIncludePad: a.count_include_pad === 1 } as any;
    return g.rank === 3 ? avgPool3d(input, a.kernel_shape, opts) : avgPool2d(input, a.kernel_shape, opts);
  }),
  GlobalAveragePool: globalPool((x) => adaptiveAvgPool2d(x, 1)),
  GlobalMaxPool: globalPool(globalMaxPool2d),
};

/** The converters' table as docs/ops.md lists it: op type, opsets, attributes. */
export function supportedOps(): { opType: string; domain: string; opsets: readonly [number, number]; attributes: string[] }[] {
  return Object.entries(CONVERTERS)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([opType, c]) => ({ opType, domain: c.domain ?? '', opsets: c.opsets, attributes: Object.keys(c.attributes) }));
}
