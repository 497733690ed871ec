// 2-D and 3-D max and average pooling on NC(D)HW float32 (assembly/pool.ts), forward and backward,
// with torch's output-size rules; global pooling is pooling with the whole plane as the window.
// One kernel family serves both ranks: a 2-D input is a volume of depth 1 with a one-tap depth window.
//
// Beyond torch: padding may exceed half the window (ONNX allows it). A window lying wholly in the
// padding gives -Infinity with index -1 (max; no gradient flows from it) and, for average pooling,
// 0 with countIncludePad or NaN (0 / 0 taps) without, as ONNX's reference. Average pooling takes a
// dilation too (ONNX's AveragePool has one, torch's avg_pool has not).
import { empty } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { poolTask, type PoolArgs } from '../runtime/generated/kernel-args.js';
import { checkShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { kernelChoice, type KernelChoice } from './operands.js';
import { checkShapeIs, checkTensor, pair, sides, type Padding, type Pair } from './spatial.js';

/** A size per spatial dim of a 3-D op, or one for all: [depth, height, width]. */
export type Triple = number | readonly [number, number, number];

/** One for all sides, [d, h, w] (both sides alike), or [front, top, left, back, bottom, right] as ONNX. */
export type Padding3d = number | readonly [number, number, number] | readonly [number, number, number, number, number, number];

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: Pair;
  /** Implicit -infinity on each side (any amount; see the file comment for windows wholly in it). Default 0. */
  padding?: Padding;
  /** Default 1. */
  dilation?: Pair;
  /** Round the output size up, keeping the last window's start inside the input or its top/left padding. */
  ceilMode?: boolean;
  kernel?: KernelChoice;
}

export interface AvgPool2dOptions {
  stride?: Pair;
  /** Implicit zeros on each side (any amount). Default 0. */
  padding?: Padding;
  /** An extension of torch's avg_pool2d (ONNX AveragePool's dilations). Default 1. */
  dilation?: Pair;
  ceilMode?: boolean;
  /** Divide by the taps inside the padded input (true, torch's default) or by those inside the input. */
  countIncludePad?: boolean;
  kernel?: KernelChoice;
}

export interface MaxPool3dOptions {
  stride?: Triple;
  padding?: Padding3d;
  dilation?: Triple;
  ceilMode?: boolean;
  kernel?: KernelChoice;
}

export interface AvgPool3dOptions {
  stride?: Triple;
  padding?: Padding3d;
  /** An extension of torch's avg_pool3d, as for 2-D. */
  dilation?: Triple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  kernel?: KernelChoice;
}

export interface MaxPoolResult {
  /** (N, C, OH, OW), or (N, C, OD, OH, OW) */
  y: Tensor;
  /** int32, y's shape: the position (d*H + h)*W + w of each maximum in its input volume (h*W + w in 2-D), as torch. */
  indices: Tensor;
}

/** The options both ranks share, with their rank's types. */
interface WindowOptions {
  stride?: unknown;
  padding?: unknown;
  dilation?: unknown;
  ceilMode?: unknown;
}

type Rank = 2 | 3;
type Axes = [number, number, number];

/** Everything the kernels read, per axis in the order depth, height, width. */
interface PoolGeometry {
  N: number;
  C: number;
  size: Axes;
  out: Axes;
  kernel: Axes;
  stride: Axes;
  before: Axes;
  after: Axes;
  dilation: Axes;
}

const LAYOUT = { 2: '4-D (N, C, H, W)', 3: '5-D (N, C, D, H, W)' } as const;
const OUTPUT_LAYOUT = { 2: '4-D (N, C, OH, OW)', 3: '5-D (N, C, OD, OH, OW)' } as const;

function wholeNumber(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v >= 2 ** 31) {
    throw new ArgumentError(`${op}: ${name} must be a whole number >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** [d, h, w] from an int or a triple, each at least `min`. */
function triple(op: string, name: string, value: unknown, min: number): Axes {
  if (typeof value === 'number') {
    const v = wholeNumber(op, name, value, min);
    return [v, v, v];
  }
  if (!Array.isArray(value) || value.length !== 3) {
    throw new ArgumentError(`${op}: ${name} must be a number or a triple [d, h, w], got ${JSON.stringify(value)}`);
  }
  return [0, 1, 2].map((i) => wholeNumber(op, `${name}[${i}]`, value[i], min)) as Axes;
}

/** A size option of either rank, as three axes (2-D: a depth of `depth`). */
function axes(op: string, rank: Rank, name: string, value: unknown, min: number, depth: number): Axes {
  return rank === 3 ? triple(op, name, value, min) : [depth, ...pair(op, name, value, min)];
}

/** Padding of either rank as [before, after] per axis. */
function paddingSides(op: string, rank: Rank, value: unknown): [Axes, Axes] {
  if (rank === 2) {
    const s = sides(op, value);
    return [[0, s.top, s.left], [0, s.bottom, s.right]];
  }
  if (Array.isArray(value) && value.length === 6) {
    const p = value.map((v, i) => wholeNumber(op, `padding[${i}]`, v, 0));
    return [[p[0], p[1], p[2]], [p[3], p[4], p[5]]];
  }
  if (Array.isArray(value) && value.length !== 3) {
    throw new ArgumentError(
      `${op}: padding must be a number, [d, h, w] or [front, top, left, back, bottom, right], got ${JSON.stringify(value)}`,
    );
  }
  const p = triple(op, 'padding', value, 0);
  return [p, [...p] as Axes];
}

/** torch's pooling_output_shape, with the two sides' paddings allowed to differ. */
function pooledSize(size: number, k: number, before: number, after: number, stride: number, dilation: number, ceil: boolean): number {
  let out = Math.floor((size + before + after - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= size + before) out--;
  return out;
}

/** The spatial part of per-axis values, as the user wrote them for this rank. */
const spatial = (rank: Rank, v: Axes): number[] => v.slice(3 - rank);

function poolGeometry(op: string, rank: Rank, shape: readonly number[], kernelSize: unknown, opts: WindowOptions): PoolGeometry {
  const [N, C] = shape;
  const size = (rank === 3 ? shape.slice(2) : [1, ...shape.slice(2)]) as Axes;
  const kernel = axes(op, rank, 'kernelSize', kernelSize, 1, 1);
  const stride = opts.stride === undefined ? kernel : axes(op, rank, 'stride', opts.stride, 1, 1);
  const dilation = axes(op, rank, 'dilation', opts.dilation ?? 1, 1, 1);
  const [before, after] = paddingSides(op, rank, opts.padding ?? 0);
  if (opts.ceilMode !== undefined && typeof opts.ceilMode !== 'boolean') {
    throw new ArgumentError(`${op}: ceilMode must be a boolean, got ${String(opts.ceilMode)}`);
  }
  const ceil = opts.ceilMode === true;
  const out = [0, 1, 2].map((a) => pooledSize(size[a], kernel[a], before[a], after[a], stride[a], dilation[a], ceil)) as Axes;
  if (out.some((o) => o < 1)) {
    const x = (v: Axes) => spatial(rank, v).join('x');
    throw new ShapeError(
      `${op}: output size would be ${x(out)} for input ${formatShape(shape)} with kernel ${x(kernel)}, ` +
        `stride [${spatial(rank, stride)}], padding [${[...spatial(rank, before), ...spatial(rank, after)].join(', ')}], ` +
        `dilation [${spatial(rank, dilation)}]; it must be at least ${spatial(rank, [1, 1, 1]).join('x')}`,
    );
  }
  return { N, C, size, out, kernel, stride, before, after, dilation };
}

function poolArgs(g: PoolGeometry, x: number, y: number, indices: number, countIncludePad: boolean): PoolArgs {
  return {
    x, y, indices, P: g.N * g.C, size: g.size, out: g.out, kernel: g.kernel, stride: g.stride,
    padBefore: g.before, padAfter: g.after, dilation: g.dilation, countIncludePad,
  };
}

/** The output shape of geometry g for an input of `rank` spatial dims. */
const outputShape = (rank: Rank, g: PoolGeometry): number[] => [g.N, g.C, ...spatial(rank, g.out)];

const windowTaps = (g: PoolGeometry): number => g.kernel[0] * g.kernel[1] * g.kernel[2];

function checkInputShape(op: string, rank: Rank, inputShape: unknown, dy: Tensor): number[] {
  const shape = checkShape(op, inputShape);
  if (shape.length !== rank + 2 || shape[0] !== dy.shape[0] || shape[1] !== dy.shape[1]) {
    throw new ShapeError(
      `${op}: inputShape ${formatShape(shape)} must be ${LAYOUT[rank]} with the N and C of dy ${formatShape(dy.shape)}`,
    );
  }
  return shape;
}

/** MaxPool2d(2) with nothing else: every window whole, which the specialised kernel needs. */
function isPlain2x2Stride2(g: PoolGeometry): boolean {
  const is = (v: Axes, d: number, h: number, w: number) => v[0] === d && v[1] === h && v[2] === w;
  return g.size[0] === 1 && is(g.kernel, 1, 2, 2) && is(g.stride, 1, 2, 2) && is(g.dilation, 1, 1, 1) &&
    is(g.before, 0, 0, 0) && is(g.out, 1, Math.floor(g.size[1] / 2), Math.floor(g.size[2] / 2));
}

function maxPoolForward(op: string, rank: Rank, x: Tensor, kernelSize: unknown, opts: WindowOptions & { kernel?: KernelChoice }): MaxPoolResult {
  checkTensor(op, 'x', x, rank + 2, LAYOUT[rank]);
  const g = poolGeometry(op, rank, x.shape, kernelSize, opts);
  const task = kernelChoice(op, opts.kernel) === 'simd' ? (isPlain2x2Stride2(g) ? 'max_pool_2x2s2' : 'max_pool') : 'max_pool_reference';
  const y = empty(outputShape(rank, g));
  const indices = empty(y.shape, 'int32');
  poolTask(task, poolArgs(g, x.ptr(), y.ptr(), indices.ptr(), false), y.size * windowTaps(g));
  return { y, indices };
}

/** The error for indices the kernel found outside their volume, naming the first one. */
function outOfVolume(op: string, rank: Rank, indices: Tensor, inner: readonly number[]): ArgumentError {
  const volume = inner.reduce((a, b) => a * b, 1);
  const values = indices.toArray();
  const at = values.findIndex((v) => v < -1 || v >= volume);
  return new ArgumentError(`${op}: index ${values[at]} at flat position ${at} is outside an input ${rank === 3 ? 'volume' : 'plane'} of ${inner.join('x')}`);
}

function maxPoolBackward(op: string, rank: Rank, dy: Tensor, indices: Tensor, inputShape: readonly number[], kernel?: KernelChoice): Tensor {
  checkTensor(op, 'dy', dy, rank + 2, OUTPUT_LAYOUT[rank]);
  if (!(indices instanceof Tensor)) throw new ArgumentError(`${op}: indices must be a Tensor, got ${String(indices)}`);
  indices.assertAlive(op);
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
  checkShapeIs(op, 'indices', indices, dy.shape, 'the shape of dy');
  if (!indices.isContiguous()) throw new ShapeError(`${op}: indices of shape ${formatShape(indices.shape)} must be contiguous`);
  const shape = checkInputShape(op, rank, inputShape, dy);
  const [N, C, ...inner] = shape;
  const dx = empty(shape);
  const one: Axes = [1, 1, 1];
  const g: PoolGeometry = {
    N, C, size: (rank === 3 ? inner : [1, ...inner]) as Axes, out: (rank === 3 ? dy.shape.slice(2) : [1, ...dy.shape.slice(2)]) as Axes,
    kernel: one, stride: one, dilation: one, before: [0, 0, 0], after: [0, 0, 0],
  };
  const task = kernelChoice(op, kernel) === 'simd' ? 'max_pool_backward' : 'max_pool_backward_reference';
  const { badIndex } = poolTask(task, poolArgs(g, dx.ptr(), dy.ptr(), indices.ptr(), false), dx.size + dy.size);
  if (badIndex !== 0) {
    dx.dispose();
    throw outOfVolume(op, rank, indices, inner);
  }
  return dx;
}

interface AvgOptions extends WindowOptions {
  countIncludePad?: boolean;
  kernel?: KernelChoice;
}

function avgPoolForward(op: string, rank: Rank, x: Tensor, kernelSize: unknown, opts: AvgOptions): Tensor {
  checkTensor(op, 'x', x, rank + 2, LAYOUT[rank]);
  const g = poolGeometry(op, rank, x.shape, kernelSize, opts);
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'avg_pool' : 'avg_pool_reference';
  const y = empty(outputShape(rank, g));
  poolTask(task, poolArgs(g, x.ptr(), y.ptr(), 0, opts.countIncludePad !== false), y.size * windowTaps(g));
  return y;
}

function avgPoolBackward(op: string, rank: Rank, dy: Tensor, inputShape: readonly number[], kernelSize: unknown, opts: AvgOptions): Tensor {
  checkTensor(op, 'dy', dy, rank + 2, OUTPUT_LAYOUT[rank]);
  const shape = checkInputShape(op, rank, inputShape, dy);
  const g = poolGeometry(op, rank, shape, kernelSize, opts);
  checkShapeIs(op, 'dy', dy, outputShape(rank, g), 'the shape of the forward output');
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'avg_pool_backward' : 'avg_pool_backward_reference';
  const dx = empty(shape);
  poolTask(task, poolArgs(g, dx.ptr(), dy.ptr(), 0, opts.countIncludePad !== false), dy.size * windowTaps(g));
  return dx;
}

/** The (N, C, OH, OW) outputs and argmax indices of torch.nn.functional.max_pool2d. */
export function maxPool2dForward(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): MaxPoolResult {
  return maxPoolForward('maxPool2d', 2, x, kernelSize, opts);
}

/** The (N, C, OD, OH, OW) outputs and argmax indices of torch.nn.functional.max_pool3d. */
export function maxPool3dForward(x: Tensor, kernelSize: Triple, opts: MaxPool3dOptions = {}): MaxPoolResult {
  return maxPoolForward('maxPool3d', 3, x, kernelSize, opts);
}

/** dx of 2-D max pooling: each dy added at the input position its index names; inputShape is x's shape. */
export function maxPool2dBackward(dy: Tensor, indices: Tensor, inputShape: readonly number[], kernel?: KernelChoice): Tensor {
  return maxPoolBackward('maxPool2d backward', 2, dy, indices, inputShape, kernel);
}

/** dx of 3-D max pooling, as maxPool2dBackward. */
export function maxPool3dBackward(dy: Tensor, indices: Tensor, inputShape: readonly number[], kernel?: KernelChoice): Tensor {
  return maxPoolBackward('maxPool3d backward', 3, dy, indices, inputShape, kernel);
}

/** torch.nn.functional.avg_pool2d (no divisor override), plus dilation. */
export function avgPool2dForward(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  return avgPoolForward('avgPool2d', 2, x, kernelSize, opts);
}

/** torch.nn.functional.avg_pool3d (no divisor override), plus dilation. */
export function avgPool3dForward(x: Tensor, kernelSize: Triple, opts: AvgPool3dOptions = {}): Tensor {
  return avgPoolForward('avgPool3d', 3, x, kernelSize, opts);
}

/** dx of avgPool2dForward(x, kernelSize, opts) given dy; inputShape is x's shape. */
export function avgPool2dBackward(dy: Tensor, inputShape: readonly number[], kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  return avgPoolBackward('avgPool2d backward', 2, dy, inputShape, kernelSize, opts);
}

/** dx of avgPool3dForward(x, kernelSize, opts) given dy; inputShape is x's shape. */
export function avgPool3dBackward(dy: Tensor, inputShape: readonly number[], kernelSize: Triple, opts: AvgPool3dOptions = {}): Tensor {
  return avgPoolBackward('avgPool3d backward', 3, dy, inputShape, kernelSize, opts);
}

function planeOf(op: string, x: Tensor): [number, number] {
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  const [, , H, W] = x.shape;
  if (H < 1 || W < 1) throw new ShapeError(`${op}: x ${formatShape(x.shape)} has an empty plane`);
  return [H, W];
}

/** The mean of each (n, c) plane: (N, C, 1, 1). */
export function globalAvgPool2dForward(x: Tensor, kernel?: KernelChoice): Tensor {
  return avgPool2dForward(x, planeOf('globalAvgPool2d', x), { kernel });
}

export function globalAvgPool2dBackward(dy: Tensor, inputShape: readonly number[], kernel?: KernelChoice): Tensor {
  const shape = checkShape('globalAvgPool2d backward', inputShape);
  return avgPool2dBackward(dy, shape, [shape[2], shape[3]], { kernel });
}

/** The maximum of each (n, c) plane and its position: (N, C, 1, 1) each; maxPool2dBackward is its backward. */
export function globalMaxPool2dForward(x: Tensor, kernel?: KernelChoice): MaxPoolResult {
  return maxPool2dForward(x, planeOf('globalMaxPool2d', x), { kernel });
}
