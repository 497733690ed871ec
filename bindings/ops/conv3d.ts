// 3-D convolutions as composites of 2-D ones, so autograd differentiates the pieces and there is
// no gradient code here.
// - convTranspose3d: every input depth slice goes through one convTranspose2d whose output
//   channels are the (depth tap, out channel) pairs, and each depth tap's result lands at output
//   depth id*stride + kd*dilation - padding.
// - conv3d: every (depth-padded) input slice goes through one conv2d whose output channels are the
//   (depth tap, out channel) pairs; output depth od sums tap kd of slice od*stride + kd*dilation.
//   Slices between strides are convolved and unused: the cost is the stride in depth times the
//   ideal, nothing at stride 1.
import { registerComposite } from '../autograd/registry.js';
import { tensor, zeros } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import type { Padding3d, Triple } from '../kernels/pool.js';
import { requireFloat32, requireTensor } from '../kernels/operands.js';
import { add } from './arithmetic.js';
import { composed } from './composite.js';
import { conv2d, convTranspose2d } from './conv.js';
import { indexSelect } from './indexing.js';
import { pad } from './pad.js';
import { cat, stack } from './join.js';
import { contiguous, narrow, permute, reshape } from './views.js';
import type { Tensor } from '../tensor.js';
import { defineOptions, PADDING3D, TRIPLE } from '../options.js';

export interface ConvTranspose3dOptions {
  /** Default 1. */
  stride?: Triple;
  /** Removed from the output's sides: a number, [d, h, w], or [front, top, left, back, bottom, right]. Default 0. */
  padding?: Padding3d;
  /** Added to the output's back/bottom/right; smaller than the stride or the dilation. Default 0. */
  outputPadding?: Triple;
  /** Default 1. */
  dilation?: Triple;
  /** Default 1; must divide the input channels. */
  groups?: number;
}

export const CONV_TRANSPOSE3D = defineOptions<ConvTranspose3dOptions>('convTranspose3d', {
  stride: TRIPLE, padding: PADDING3D, outputPadding: TRIPLE, dilation: TRIPLE, groups: 'number',
});

type Axes = [number, number, number];

/** [d, h, w] from a number or a triple, each a whole number >= `min`. */
export function triple(op: string, name: string, value: unknown, min: number): Axes {
  const list = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(list) || list.length !== 3) {
    throw new ArgumentError(`${op}: ${name} must be a number or a triple [d, h, w], got ${JSON.stringify(value)}`);
  }
  for (const v of list) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v >= 2 ** 31) {
      throw new ArgumentError(`${op}: ${name} must hold whole numbers >= ${min}, got ${JSON.stringify(value)}`);
    }
  }
  return list as Axes;
}

/** [before, after] per axis: [front, top, left] and [back, bottom, right]. */
function paddingSides(op: string, value: unknown): [Axes, Axes] {
  if (Array.isArray(value) && value.length === 6) {
    const [before, after] = [triple(op, 'padding', value.slice(0, 3), 0), triple(op, 'padding', value.slice(3), 0)];
    return [before, after];
  }
  const p = triple(op, 'padding', value, 0);
  return [p, [...p] as Axes];
}

interface Geometry {
  groups: number;
  stride: Axes;
  dilation: Axes;
  before: Axes;
  after: Axes;
  outputPadding: Axes;
  /** Output depth. */
  OD: number;
}

/** x (N, C, D, H, W), the weight (of `weightLayout`) and the bias are float32, x and weight 5-D. */
function checkOperands(op: string, x: Tensor, w: Tensor, bias: Tensor | null, weightLayout: string): void {
  for (const [name, t, layout] of [['x', x, '(N, C, D, H, W)'], ['weight', w, weightLayout]] as const) {
    requireFloat32(op, t, name);
    if (t.ndim !== 5) throw new ShapeError(`${op}: ${name} must be 5-D ${layout}, got shape ${formatShape(t.shape)}`);
  }
  if (bias !== null) requireFloat32(op, bias, 'bias');
}

function geometry(op: string, x: Tensor, w: Tensor, bias: Tensor | null, opts: ConvTranspose3dOptions): Geometry {
  checkOperands(op, x, w, bias, '(in_channels, out_channels/groups, kD, kH, kW)');
  const [, C, D, H, W] = x.shape;
  const groups = opts.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1 || C % groups !== 0) {
    throw new ArgumentError(`${op}: groups must be a whole number >= 1 dividing the ${C} input channels of x ${formatShape(x.shape)}, got ${String(groups)}`);
  }
  if (w.shape[0] !== C) {
    throw new ShapeError(`${op}: weight ${formatShape(w.shape)} must have in_channels = ${C} in dim 0 for input ${formatShape(x.shape)}`);
  }
  const OC = w.shape[1] * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw new ShapeError(`${op}: bias ${formatShape(bias.shape)} must be [${OC}] (out_channels) for weight ${formatShape(w.shape)} and groups ${groups}`);
  }
  const stride = triple(op, 'stride', opts.stride ?? 1, 1);
  const dilation = triple(op, 'dilation', opts.dilation ?? 1, 1);
  const outputPadding = triple(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  const [before, after] = paddingSides(op, opts.padding ?? 0);
  if (outputPadding.some((p, a) => p >= Math.max(stride[a], dilation[a]))) {
    throw new ArgumentError(`${op}: outputPadding [${outputPadding}] must be smaller than the stride [${stride}] or the dilation [${dilation}]`);
  }
  const kernel = w.shape.slice(2);
  const out = [D, H, W].map((n, a) => (n - 1) * stride[a] - before[a] - after[a] + dilation[a] * (kernel[a] - 1) + outputPadding[a] + 1);
  if (kernel.some((k) => k < 1) || out.some((o) => o < 1)) {
    throw new ShapeError(
      `${op}: output size would be ${out.join('x')} for input ${formatShape(x.shape)} and weight ${formatShape(w.shape)} ` +
        `with stride [${stride}], padding [${[...before, ...after]}], dilation [${dilation}]; it must be at least 1x1x1`,
    );
  }
  return { groups, stride, dilation, before, after, outputPadding, OD: out[0] };
}

/** t's dim `dim` spread `step` apart with zeros between (length (n - 1) * step + 1). */
function spreadOut(t: Tensor, dim: number, step: number): Tensor {
  if (step === 1) return t;
  const gaps = Array.from({ length: step - 1 }, () => zeros(t.shape));
  const woven = stack([t, ...gaps], dim + 1);
  const shape = [...t.shape];
  shape[dim] *= step;
  return narrow(reshape(woven, shape), dim, 0, (t.shape[dim] - 1) * step + 1);
}

/** t placed at `offset` along dim 1 of a zero tensor `length` long there. */
function placeAt(t: Tensor, offset: number, length: number): Tensor {
  const pad = (n: number) => zeros([t.shape[0], n, ...t.shape.slice(2)]);
  const parts = [offset > 0 ? pad(offset) : null, t, length > offset + t.shape[1] ? pad(length - offset - t.shape[1]) : null];
  return cat(parts.filter((p): p is Tensor => p !== null), 1);
}

function compute(x: Tensor, w: Tensor, bias: Tensor | null, g: Geometry): Tensor {
  const [N, C, D, H, W] = x.shape;
  const [, OCg, KD, KH, KW] = w.shape;
  const { groups, stride, dilation, before, after, outputPadding } = g;
  // Weight (C, OCg, KD, KH, KW) as (C, KD*OCg, KH, KW): in group order, output channel kd*OCg + o.
  const stacked = reshape(permute(w, [0, 2, 1, 3, 4]), [C, KD * OCg, KH, KW]);
  const slices = reshape(permute(x, [0, 2, 1, 3, 4]), [N * D, C, H, W]);
  const planes = convTranspose2d(slices, stacked, null, {
    stride: [stride[1], stride[2]],
    padding: [before[1], before[2], after[1], after[2]],
    dilation: [dilation[1], dilation[2]],
    outputPadding: [outputPadding[1], outputPadding[2]],
    groups,
  });
  const [, , OH, OW] = planes.shape;
  // (N, D, groups, KD, OCg, OH, OW) with the input depth spread to output-depth steps.
  const taps = spreadOut(reshape(planes, [N, D, groups, KD, OCg, OH, OW]), 1, stride[0]);
  const full = (D - 1) * stride[0] + (KD - 1) * dilation[0] + 1 + outputPadding[0];
  let sum: Tensor | null = null;
  for (let kd = 0; kd < KD; kd++) {
    const tap = reshape(narrow(taps, 3, kd, 1), [N, taps.shape[1], groups * OCg, OH, OW]);
    const placed = placeAt(tap, kd * dilation[0], full);
    sum = sum === null ? placed : add(sum, placed);
  }
  const y = permute(narrow(sum!, 1, before[0], g.OD), [0, 2, 1, 3, 4]);
  return contiguous(bias === null ? y : add(y, reshape(bias, [1, groups * OCg, 1, 1, 1])));
}

/**
 * torch.nn.functional.conv_transpose3d: x (N, C, D, H, W), weight (C, OC/groups, kD, kH, kW),
 * bias (OC) or none. The output is (D-1)*stride - paddings + dilation*(k-1) + outputPadding + 1
 * deep (and high, and wide).
 */
export function convTranspose3d(
  x: Tensor, weight: Tensor, bias?: Tensor | null, opts?: ConvTranspose3dOptions, ...none: []
): Tensor {
  const op = 'convTranspose3d';
  const options = CONV_TRANSPOSE3D.parseLast(opts, none);
  requireTensor(op, x, 'x');
  requireTensor(op, weight, 'weight');
  const b = bias === undefined || bias === null ? null : requireTensor(op, bias, 'bias');
  const g = geometry(op, x, weight, b, options);
  return composed([x, weight, b], () => compute(x, weight, b, g));
}

registerComposite({
  name: 'convTranspose3d',
  builtFrom: ['convTranspose2d', 'permute', 'reshape', 'stack', 'narrow', 'cat', 'add', 'contiguous'],
  onnx: ['ConvTranspose'],
  options: CONV_TRANSPOSE3D,
});

export interface Conv3dOptions {
  /** Default 1. */
  stride?: Triple;
  /**
   * Implicit zeros: a number, [d, h, w], [front, top, left, back, bottom, right], 'valid' (none)
   * or 'same' (stride 1 only; the odd one at the back/bottom/right, as torch). Default 0.
   */
  padding?: Padding3d | 'valid' | 'same';
  /** Default 1. */
  dilation?: Triple;
  /** Default 1; must divide the input and output channels. */
  groups?: number;
}

export const CONV3D = defineOptions<Conv3dOptions>('conv3d', {
  stride: TRIPLE, padding: `${PADDING3D}|'valid'|'same'`, dilation: TRIPLE, groups: 'number',
});

interface Conv3dGeometry {
  groups: number;
  stride: Axes;
  dilation: Axes;
  before: Axes;
  after: Axes;
  /** Output depth. */
  OD: number;
}

function conv3dGeometry(op: string, x: Tensor, w: Tensor, bias: Tensor | null, opts: Conv3dOptions): Conv3dGeometry {
  checkOperands(op, x, w, bias, '(out_channels, in_channels/groups, kD, kH, kW)');
  const [, C, D, H, W] = x.shape;
  const [OC, Cg, ...kernel] = w.shape;
  const groups = opts.groups ?? 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1 || C % groups !== 0 || OC % groups !== 0) {
    throw new ArgumentError(
      `${op}: groups must be a whole number >= 1 dividing the ${C} input channels of x ${formatShape(x.shape)} ` +
        `and the ${OC} output channels of weight ${formatShape(w.shape)}, got ${String(groups)}`,
    );
  }
  if (Cg !== C / groups) {
    throw new ShapeError(
      `${op}: weight ${formatShape(w.shape)} must have in_channels/groups = ${C / groups} in dim 1 ` +
        `for input ${formatShape(x.shape)} with groups = ${groups}`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw new ShapeError(`${op}: bias ${formatShape(bias.shape)} must be [${OC}] (out_channels) for weight ${formatShape(w.shape)}`);
  }
  const stride = triple(op, 'stride', opts.stride ?? 1, 1);
  const dilation = triple(op, 'dilation', opts.dilation ?? 1, 1);
  let before: Axes, after: Axes;
  if (opts.padding === 'valid') {
    [before, after] = [[0, 0, 0], [0, 0, 0]];
  } else if (opts.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(`${op}: padding 'same' needs stride 1, got stride [${stride}]`);
    const total = kernel.map((k, a) => dilation[a] * (k - 1));
    before = total.map((t) => t >> 1) as Axes;
    after = total.map((t) => t - (t >> 1)) as Axes;
  } else {
    [before, after] = paddingSides(op, opts.padding ?? 0);
  }
  const out = [D, H, W].map((n, a) => Math.floor((n + before[a] + after[a] - dilation[a] * (kernel[a] - 1) - 1) / stride[a]) + 1);
  if (kernel.some((k) => k < 1) || out.some((o) => o < 1)) {
    throw new ShapeError(
      `${op}: output size would be ${out.join('x')} for input ${formatShape(x.shape)} and weight ${formatShape(w.shape)} ` +
        `with stride [${stride}], padding [${[...before, ...after]}], dilation [${dilation}]; it must be at least 1x1x1`,
    );
  }
  return { groups, stride, dilation, before, after, OD: out[0] };
}

function conv3dCompute(x: Tensor, w: Tensor, bias: Tensor | null, g: Conv3dGeometry): Tensor {
  const [N, C, D, H, W] = x.shape;
  const [OC, Cg, KD, KH, KW] = w.shape;
  const { groups, stride, dilation, before, after, OD } = g;
  const OCg = OC / groups;
  const padded = before[0] + after[0] > 0 ? pad(x, [0, 0, 0, 0, before[0], after[0]]) : x;
  const Dp = D + before[0] + after[0];
  // Weight (OC, Cg, KD, KH, KW) as (groups*KD*OCg, Cg, KH, KW), group-major as conv2d's groups want.
  const stacked = reshape(permute(reshape(w, [groups, OCg, Cg, KD, KH, KW]), [0, 3, 1, 2, 4, 5]), [groups * KD * OCg, Cg, KH, KW]);
  const slices = reshape(permute(padded, [0, 2, 1, 3, 4]), [N * Dp, C, H, W]);
  const planes = conv2d(slices, stacked, null, {
    stride: [stride[1], stride[2]],
    padding: [before[1], before[2], after[1], after[2]],
    dilation: [dilation[1], dilation[2]],
    groups,
  });
  const [, , OH, OW] = planes.shape;
  const taps = reshape(planes, [N, Dp, groups, KD, OCg, OH, OW]);
  let sum: Tensor | null = null;
  for (let kd = 0; kd < KD; kd++) {
    const tap = narrow(taps, 3, kd, 1);
    const start = kd * dilation[0];
    const rows = stride[0] === 1
      ? narrow(tap, 1, start, OD)
      : indexSelect(tap, 1, tensor(Int32Array.from({ length: OD }, (_, od) => start + od * stride[0]), [OD], 'int32'));
    sum = sum === null ? rows : add(sum, rows);
  }
  const y = permute(reshape(sum!, [N, OD, OC, OH, OW]), [0, 2, 1, 3, 4]);
  return contiguous(bias === null ? y : add(y, reshape(bias, [1, OC, 1, 1, 1])));
}

/**
 * torch.nn.functional.conv3d: x (N, C, D, H, W), weight (OC, C/groups, kD, kH, kW), bias (OC) or
 * none. Each output size is floor((in + paddings - dilation*(k-1) - 1) / stride) + 1.
 */
export function conv3d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv3dOptions, ...none: []): Tensor {
  const op = 'conv3d';
  const options = CONV3D.parseLast(opts, none);
  requireTensor(op, x, 'x');
  requireTensor(op, weight, 'weight');
  const b = bias === undefined || bias === null ? null : requireTensor(op, bias, 'bias');
  const g = conv3dGeometry(op, x, weight, b, options);
  return composed([x, weight, b], () => conv3dCompute(x, weight, b, g));
}

registerComposite({
  name: 'conv3d',
  builtFrom: ['conv2d', 'pad', 'permute', 'reshape', 'narrow', 'indexSelect', 'add', 'contiguous'],
  onnx: ['Conv'],
  options: CONV3D,
});
