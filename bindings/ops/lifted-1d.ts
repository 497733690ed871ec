// The 1-D convolution and pooling ops as their 2-D forms over images of height 1: x (N, C, L)
// gains a unit dim before L (a view), the 2-D kernel runs with a 1-tall window, and the unit dim
// goes again. The cost is the 2-D kernel's on one row; gradients come through the 2-D ops.
import { registerComposite } from '../autograd/registry.js';
import { ArgumentError, formatShape, ShapeError, WasmgradError } from '../errors.js';
import { requireTensor } from '../kernels/operands.js';
import type { Padding } from '../kernels/spatial.js';
import type { Tensor } from '../tensor.js';
import { composed } from './composite.js';
import { conv2d } from './conv.js';
import { avgPool2d, maxPool2d, type ReturnIndices } from './pool.js';
import { squeeze, unsqueeze } from './views.js';
import { defineOptions } from '../options.js';

/** A length: a number or a one-element list, as torch's 1-D ops take. */
export type Single = number | readonly [number];

/** A number, [both sides] or [left, right]. */
export type Padding1d = number | readonly [number] | readonly [number, number];

export interface Conv1dOptions {
  /** Default 1. */
  stride?: Single;
  /** Default 0; also 'valid' or 'same' (stride 1 only). */
  padding?: Padding1d | 'valid' | 'same';
  /** Default 1. */
  dilation?: Single;
  /** Default 1; must divide the input and output channels. */
  groups?: number;
}

export interface MaxPool1dOptions {
  /** Default: the kernel size. */
  stride?: Single;
  /** Implicit -infinity on each side. Default 0. */
  padding?: Padding1d;
  /** Default 1. */
  dilation?: Single;
  ceilMode?: boolean;
}

export interface AvgPool1dOptions {
  stride?: Single;
  /** Implicit zeros on each side. Default 0. */
  padding?: Padding1d;
  /** An extension of torch's avg_pool1d (ONNX AveragePool's dilations). Default 1. */
  dilation?: Single;
  ceilMode?: boolean;
  /** Divide by the taps inside the padded input (true, torch's default) or by those inside the input. */
  countIncludePad?: boolean;
}

const SINGLE = 'number|number[1]';
const PADDING1D = 'number|number[1]|number[2]';

export const CONV1D = defineOptions<Conv1dOptions>('conv1d', {
  stride: SINGLE, padding: `${PADDING1D}|'valid'|'same'`, dilation: SINGLE, groups: 'number',
});
export const MAX_POOL1D = defineOptions<MaxPool1dOptions & ReturnIndices>('maxPool1d', {
  stride: SINGLE, padding: PADDING1D, dilation: SINGLE, ceilMode: 'boolean', returnIndices: 'boolean',
});
export const AVG_POOL1D = defineOptions<AvgPool1dOptions>('avgPool1d', {
  stride: SINGLE, padding: PADDING1D, dilation: SINGLE, ceilMode: 'boolean', countIncludePad: 'boolean',
});

function single(op: string, name: string, value: Single | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  if (Array.isArray(value) && value.length === 1) return value[0];
  throw new ArgumentError(`${op}: ${name} must be a number or [n], got ${JSON.stringify(value)}`);
}

/** [h, w] for the 2-D op: 1 (or `unit`) in height. */
function lifted(op: string, name: string, value: Single | undefined, unit: number): [number, number] | undefined {
  const v = single(op, name, value);
  return v === undefined ? undefined : [unit, v];
}

function liftedPadding(op: string, padding: Padding1d | 'valid' | 'same' | undefined): Padding | 'valid' | 'same' | undefined {
  if (padding === undefined || padding === 'valid' || padding === 'same') return padding;
  if (Array.isArray(padding) && padding.length === 2) return [0, padding[0], 0, padding[1]];
  if (typeof padding === 'number' || (Array.isArray(padding) && padding.length === 1)) return [0, single(op, 'padding', padding as Single)!];
  throw new ArgumentError(`${op}: padding must be a number, [n] or [left, right], got ${JSON.stringify(padding)}`);
}

function checkRank(op: string, name: string, t: Tensor, layout: string): void {
  if (t.ndim !== 3) throw new ShapeError(`${op}: ${name} must be 3-D ${layout}, got shape ${formatShape(t.shape)}`);
}

/** Runs the 2-D op, telling the user which 1-D call an error of the 2-D one comes from. */
function via2d<T>(op: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof WasmgradError)) throw e;
    const Kind = e.constructor as new (message: string) => WasmgradError;
    throw new Kind(`${op} (run as its 2-D form on (N, C, 1, L)): ${e.message}`);
  }
}

/**
 * torch.nn.functional.conv1d: x (N, C, L), weight (OC, C/groups, k), bias (OC) or none. The
 * output is floor((L + paddings - dilation*(k-1) - 1) / stride) + 1 long.
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, given?: Conv1dOptions, ...none: []): Tensor {
  const op = 'conv1d';
  const opts = CONV1D.parseLast(given, none);
  requireTensor(op, x, 'x');
  requireTensor(op, weight, 'weight');
  checkRank(op, 'x', x, '(N, C, L)');
  checkRank(op, 'weight', weight, '(out_channels, in_channels/groups, k)');
  const options = {
    stride: lifted(op, 'stride', opts.stride, 1),
    padding: liftedPadding(op, opts.padding),
    dilation: lifted(op, 'dilation', opts.dilation, 1),
    groups: opts.groups,
  };
  return composed([x, weight, bias], () =>
    squeeze(via2d(op, () => conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, options)), 2));
}
registerComposite({ name: 'conv1d', builtFrom: ['conv2d', 'unsqueeze', 'squeeze'], onnx: ['Conv'], options: CONV1D });

/** A 1-D pooling's arguments checked, as the 2-D pooling's window and options. */
function poolArguments(op: string, x: Tensor, kernelSize: Single, opts: MaxPool1dOptions & AvgPool1dOptions & ReturnIndices) {
  requireTensor(op, x, 'x');
  checkRank(op, 'x', x, '(N, C, L)');
  const kernel: [number, number] = [1, single(op, 'kernelSize', kernelSize)!];
  const options = {
    ...opts,
    stride: lifted(op, 'stride', opts.stride, 1),
    padding: liftedPadding(op, opts.padding) as Padding | undefined,
    dilation: lifted(op, 'dilation', opts.dilation, 1),
  };
  return { kernel, options };
}

/**
 * torch.nn.functional.max_pool1d on (N, C, L): the values, or [values, indices] with
 * returnIndices (positions along L). stride defaults to the kernel size.
 */
export function maxPool1d(x: Tensor, kernelSize: Single, opts: MaxPool1dOptions & { returnIndices: true }, ...none: []): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Single, opts?: MaxPool1dOptions & ReturnIndices, ...none: []): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Single, opts?: MaxPool1dOptions & ReturnIndices, ...none: []): Tensor | [Tensor, Tensor] {
  const op = 'maxPool1d';
  const { kernel, options } = poolArguments(op, x, kernelSize, MAX_POOL1D.parseLast(opts, none));
  return composed([x], () => {
    const result = via2d(op, () => maxPool2d(unsqueeze(x, 2), kernel, options));
    return Array.isArray(result) ? [squeeze(result[0], 2), squeeze(result[1], 2)] as [Tensor, Tensor] : squeeze(result, 2);
  });
}
registerComposite({ name: 'maxPool1d', builtFrom: ['maxPool2d', 'unsqueeze', 'squeeze'], onnx: ['MaxPool'], options: MAX_POOL1D });

/** torch.nn.functional.avg_pool1d on (N, C, L); stride defaults to the kernel size. */
export function avgPool1d(x: Tensor, kernelSize: Single, opts?: AvgPool1dOptions, ...none: []): Tensor {
  const op = 'avgPool1d';
  const { kernel, options } = poolArguments(op, x, kernelSize, AVG_POOL1D.parseLast(opts, none));
  return composed([x], () => squeeze(via2d(op, () => avgPool2d(unsqueeze(x, 2), kernel, options)), 2));
}
registerComposite({ name: 'avgPool1d', builtFrom: ['avgPool2d', 'unsqueeze', 'squeeze'], onnx: ['AveragePool'], options: AVG_POOL1D });
