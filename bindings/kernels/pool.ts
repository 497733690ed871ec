// 2-D max and average pooling on NCHW float32 (assembly/pool.ts), forward and backward, with
// torch's output-size rules; global pooling is pooling with the whole plane as the window.
import { empty } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { dispatch } from '../runtime/dispatch.js';
import { engine } from '../runtime/engine.js';
import { checkShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkShapeIs, checkTensor, kernelChoice, pair, sides, type KernelChoice, type Padding, type Pair, type Sides } from './spatial.js';

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: Pair;
  /** Implicit -infinity on each side, at most half the dilated kernel. Default 0. */
  padding?: Padding;
  /** Default 1. */
  dilation?: Pair;
  /** Round the output size up, keeping the last window's start inside the input or its top/left padding. */
  ceilMode?: boolean;
  kernel?: KernelChoice;
}

export interface AvgPool2dOptions {
  stride?: Pair;
  /** Implicit zeros on each side, at most half the kernel. Default 0. */
  padding?: Padding;
  ceilMode?: boolean;
  /** Divide by the window including its padding (true, torch's default) or by the input pixels it covers. */
  countIncludePad?: boolean;
  kernel?: KernelChoice;
}

export interface MaxPoolResult {
  /** (N, C, OH, OW) */
  y: Tensor;
  /** (N, C, OH, OW) int32: the position h*W + w of each maximum in its input plane, as torch. */
  indices: Tensor;
}

interface PoolGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  pad: Sides;
}

/** torch's pooling_output_shape, with the two sides' paddings allowed to differ. */
function pooledSize(size: number, k: number, before: number, after: number, stride: number, dilation: number, ceil: boolean): number {
  let out = Math.floor((size + before + after - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= size + before) out--;
  return out;
}

function poolGeometry(
  op: string, shape: readonly number[], kernelSize: Pair, strideOpt: Pair | undefined, padding: Padding | undefined,
  dilationOpt: Pair | undefined, ceilMode: unknown, what: string,
): PoolGeometry {
  const [N, C, H, W] = shape;
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const stride = pair(op, 'stride', strideOpt ?? kernel, 1);
  const dilation = pair(op, 'dilation', dilationOpt ?? 1, 1);
  const pad = sides(op, padding ?? 0);
  if (ceilMode !== undefined && typeof ceilMode !== 'boolean') {
    throw new ArgumentError(`${op}: ceilMode must be a boolean, got ${String(ceilMode)}`);
  }
  const ceil = ceilMode === true;
  const half = [((kernel[0] - 1) * dilation[0] + 1) >> 1, ((kernel[1] - 1) * dilation[1] + 1) >> 1];
  const padPairs: [number, number][] = [[pad.top, half[0]], [pad.left, half[1]], [pad.bottom, half[0]], [pad.right, half[1]]];
  if (padPairs.some(([p, h]) => p > h)) {
    throw new ArgumentError(
      `${op}: padding [${pad.top}, ${pad.left}, ${pad.bottom}, ${pad.right}] must be at most half the ${what} ` +
        `(${half[0]}, ${half[1]}) for kernel ${kernel[0]}x${kernel[1]}`,
    );
  }
  const OH = pooledSize(H, kernel[0], pad.top, pad.bottom, stride[0], dilation[0], ceil);
  const OW = pooledSize(W, kernel[1], pad.left, pad.right, stride[1], dilation[1], ceil);
  if (OH < 1 || OW < 1) {
    throw new ShapeError(
      `${op}: output size would be ${OH}x${OW} for input ${formatShape(shape)} with kernel ${kernel[0]}x${kernel[1]}, ` +
        `stride [${stride}], padding [${pad.top}, ${pad.left}, ${pad.bottom}, ${pad.right}], dilation [${dilation}]; it must be at least 1x1`,
    );
  }
  return { N, C, H, W, OH, OW, kernel, stride, dilation, pad };
}

function poolArgs(g: PoolGeometry, x: number, y: number, indices: number, countIncludePad: boolean): number[] {
  return [
    x, y, indices, g.N * g.C, g.H, g.W, g.OH, g.OW, g.kernel[0], g.kernel[1], g.stride[0], g.stride[1],
    g.pad.top, g.pad.left, g.dilation[0], g.dilation[1], countIncludePad ? 1 : 0, g.pad.bottom, g.pad.right,
  ];
}

function checkInputShape(op: string, inputShape: unknown, dy: Tensor): number[] {
  const shape = checkShape(op, inputShape);
  if (shape.length !== 4 || shape[0] !== dy.shape[0] || shape[1] !== dy.shape[1]) {
    throw new ShapeError(
      `${op}: inputShape ${formatShape(shape)} must be 4-D (N, C, H, W) with the N and C of dy ${formatShape(dy.shape)}`,
    );
  }
  return shape;
}

/** The (N, C, OH, OW) outputs and argmax indices of torch.nn.functional.max_pool2d. */
export function maxPool2dForward(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): MaxPoolResult {
  const op = 'maxPool2d';
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  const g = poolGeometry(op, x.shape, kernelSize, opts.stride, opts.padding, opts.dilation, opts.ceilMode, 'dilated kernel');
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'max_pool2d' : 'max_pool2d_reference';
  const y = empty([g.N, g.C, g.OH, g.OW]);
  const indices = empty([g.N, g.C, g.OH, g.OW], 'int32');
  dispatch(task, poolArgs(g, x.ptr(), y.ptr(), indices.ptr(), false), y.size * g.kernel[0] * g.kernel[1]);
  return { y, indices };
}

/** dx of max pooling: each dy added at the input position its index names; inputShape is x's shape. */
export function maxPool2dBackward(dy: Tensor, indices: Tensor, inputShape: readonly number[], kernel?: KernelChoice): Tensor {
  const op = 'maxPool2d backward';
  checkTensor(op, 'dy', dy, 4, '4-D (N, C, OH, OW)');
  if (!(indices instanceof Tensor)) throw new ArgumentError(`${op}: indices must be a Tensor, got ${String(indices)}`);
  indices.assertAlive(op);
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
  checkShapeIs(op, 'indices', indices, dy.shape, 'the shape of dy');
  if (!indices.isContiguous()) throw new ShapeError(`${op}: indices of shape ${formatShape(indices.shape)} must be contiguous`);
  const [N, C, H, W] = checkInputShape(op, inputShape, dy);
  const [, , OH, OW] = dy.shape;
  // An index out of its plane would make the kernel write outside dx: refuse it here.
  const start = indices.ptr(op) >> 2;
  const view = engine().heap.i32.subarray(start, start + indices.size);
  for (let i = 0; i < view.length; i++) {
    if (view[i] < -1 || view[i] >= H * W) {
      throw new ArgumentError(`${op}: index ${view[i]} at flat position ${i} is outside an input plane of ${H}x${W}`);
    }
  }
  const dx = empty([N, C, H, W]);
  const g: PoolGeometry = {
    N, C, H, W, OH, OW, kernel: [1, 1], stride: [1, 1], dilation: [1, 1], pad: { top: 0, left: 0, bottom: 0, right: 0 },
  };
  const task = kernelChoice(op, kernel) === 'simd' ? 'max_pool2d_backward' : 'max_pool2d_backward_reference';
  dispatch(task, poolArgs(g, dx.ptr(), dy.ptr(), indices.ptr(), false), dx.size + dy.size);
  return dx;
}

/** torch.nn.functional.avg_pool2d (no divisor override). */
export function avgPool2dForward(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  const g = poolGeometry(op, x.shape, kernelSize, opts.stride, opts.padding, 1, opts.ceilMode, 'kernel');
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'avg_pool2d' : 'avg_pool2d_reference';
  const y = empty([g.N, g.C, g.OH, g.OW]);
  dispatch(task, poolArgs(g, x.ptr(), y.ptr(), 0, opts.countIncludePad !== false), y.size * g.kernel[0] * g.kernel[1]);
  return y;
}

/** dx of avgPool2dForward(x, kernelSize, opts) given dy; inputShape is x's shape. */
export function avgPool2dBackward(dy: Tensor, inputShape: readonly number[], kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d backward';
  checkTensor(op, 'dy', dy, 4, '4-D (N, C, OH, OW)');
  const shape = checkInputShape(op, inputShape, dy);
  const g = poolGeometry(op, shape, kernelSize, opts.stride, opts.padding, 1, opts.ceilMode, 'kernel');
  checkShapeIs(op, 'dy', dy, [g.N, g.C, g.OH, g.OW], 'the shape of the forward output');
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'avg_pool2d_backward' : 'avg_pool2d_backward_reference';
  const dx = empty(shape);
  dispatch(task, poolArgs(g, dx.ptr(), dy.ptr(), 0, opts.countIncludePad !== false), dy.size * g.kernel[0] * g.kernel[1]);
  return dx;
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
