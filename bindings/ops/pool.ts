// Differentiable 2-D and 3-D pooling over bindings/kernels/pool.ts: max (its backward routes dy
// through the argmax indices the forward saved), average, and the global forms over a whole plane.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import {
  avgPool2dBackward, avgPool2dForward, avgPool3dBackward, avgPool3dForward, globalAvgPool2dBackward,
  globalAvgPool2dForward, globalMaxPool2dForward, maxPool2dBackward, maxPool2dForward, maxPool3dBackward,
  maxPool3dForward, type AvgPool2dOptions, type AvgPool3dOptions, type MaxPool2dOptions, type MaxPool3dOptions,
  type MaxPoolResult, type Triple,
} from '../kernels/pool.js';
import { requireTensor, withContiguous } from '../kernels/operands.js';
import { pair, type Pair } from '../kernels/spatial.js';
import { viewAs } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { defineOptions, noOptions, PADDING, PADDING3D, PAIR, TRIPLE, type OptionsDeclaration } from '../options.js';

export type { AvgPool2dOptions, AvgPool3dOptions, MaxPool2dOptions, MaxPool3dOptions, Padding3d, Triple } from '../kernels/pool.js';

/** torch's return_indices: also return the argmax indices (int32, the values' shape, positions within each (n, c) plane or volume). */
export interface ReturnIndices {
  returnIndices?: boolean;
}

const KERNEL = "'simd'|'reference'";
export const MAX_POOL2D = defineOptions<MaxPool2dOptions & ReturnIndices>('maxPool2d', {
  stride: PAIR, padding: PADDING, dilation: PAIR, ceilMode: 'boolean', kernel: KERNEL, returnIndices: 'boolean',
});
export const MAX_POOL3D = defineOptions<MaxPool3dOptions & ReturnIndices>('maxPool3d', {
  stride: TRIPLE, padding: PADDING3D, dilation: TRIPLE, ceilMode: 'boolean', kernel: KERNEL, returnIndices: 'boolean',
});
export const AVG_POOL2D = defineOptions<AvgPool2dOptions>('avgPool2d', {
  stride: PAIR, padding: PADDING, dilation: PAIR, ceilMode: 'boolean', countIncludePad: 'boolean', kernel: KERNEL,
});
export const AVG_POOL3D = defineOptions<AvgPool3dOptions>('avgPool3d', {
  stride: TRIPLE, padding: PADDING3D, dilation: TRIPLE, ceilMode: 'boolean', countIncludePad: 'boolean', kernel: KERNEL,
});
const GLOBAL_MAX_POOL2D = noOptions('globalMaxPool2d');
const GLOBAL_AVG_POOL2D = noOptions('globalAvgPool2d');
export const ADAPTIVE_AVG_POOL2D = defineOptions<{ outputSize?: Pair }>('adaptiveAvgPool2d', { outputSize: PAIR }, ['outputSize']);

/**
 * The argmax indices of one max-pool forward: held until its backward has used them, and handed
 * to the caller who asked for them (as a second handle on the same storage).
 */
interface SavedIndices {
  indices: Tensor | null;
  forCaller: Tensor | null;
}

interface GlobalMaxPoolAttrs {
  saved: SavedIndices;
}

interface MaxPoolAttrs extends GlobalMaxPoolAttrs, ReturnIndices {
  kernelSize: Pair | Triple;
}

/**
 * The values of a max pooling; its indices are kept for the backward only when runOp will record
 * the op (the same test runOp makes), and freed at once otherwise.
 */
function keepIndices(x: Tensor, result: MaxPoolResult, saved: SavedIndices, returnIndices = false): Tensor {
  if (returnIndices) saved.forCaller = viewAs(result.indices, result.indices.shape);
  if (isGradEnabled() && x.requiresGrad) saved.indices = result.indices;
  else result.indices.dispose();
  return result.y;
}

/** dx from the saved indices, which are freed: a graph runs backward once. */
function maxPoolBackward(op: string, dy: Tensor, x: Tensor, saved: SavedIndices): Tensor {
  const indices = saved.indices;
  if (indices === null) throw new ArgumentError(`${op} backward: the indices of the forward are gone`);
  saved.indices = null;
  try {
    return withContiguous([dy], ([g]) =>
      x.ndim === 5 ? maxPool3dBackward(g, indices, x.shape) : maxPool2dBackward(g, indices, x.shape));
  } finally {
    indices.dispose();
  }
}

/** Registers a max pooling's forward and, beside it, its backward through the saved indices. */
function registerMaxPool<A extends GlobalMaxPoolAttrs & ReturnIndices>(
  name: string, onnx: string[], options: OptionsDeclaration<object>, forward: (x: Tensor, attrs: A) => MaxPoolResult,
): void {
  registerKernel<A>({
    name,
    simd: true,
    threaded: true,
    onnx,
    options,
    forward: ([x], attrs) =>
      withContiguous([x], ([xc]) => keepIndices(x, forward(xc, attrs), attrs.saved, attrs.returnIndices === true)),
  });
  registerGradient<A>({
    name,
    // each window's dy goes to the input element that was its maximum
    backward: (dy, { inputs: [x], attrs }) => [maxPoolBackward(name, dy, x, attrs.saved)],
  });
}

/** runOp for a max pooling: the values, or [values, indices] with returnIndices. */
function runMaxPool(name: string, x: Tensor, kernelSize: Pair | Triple, opts: object & ReturnIndices): Tensor | [Tensor, Tensor] {
  requireTensor(name, x, 'x');
  const saved: SavedIndices = { indices: null, forCaller: null };
  const y = runOp(name, [x], { ...opts, kernelSize, saved });
  return saved.forCaller === null ? y : [y, saved.forCaller];
}

registerMaxPool<MaxPoolAttrs & MaxPool2dOptions>('maxPool2d', ['MaxPool'], MAX_POOL2D, (x, attrs) =>
  maxPool2dForward(x, attrs.kernelSize as Pair, attrs));

/**
 * torch.nn.functional.max_pool2d on (N, C, H, W): the values, or [values, indices] with
 * returnIndices. stride defaults to the kernel size; padding (implicit -infinity) may exceed half
 * the window, unlike torch: a window wholly in it gives -Infinity (index -1).
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Pair, opts?: MaxPool2dOptions & ReturnIndices): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Pair, opts?: MaxPool2dOptions & ReturnIndices, ...none: []): Tensor | [Tensor, Tensor] {
  return runMaxPool('maxPool2d', x, kernelSize, MAX_POOL2D.parseLast(opts, none));
}

registerMaxPool<MaxPoolAttrs & MaxPool3dOptions>('maxPool3d', ['MaxPool'], MAX_POOL3D, (x, attrs) =>
  maxPool3dForward(x, attrs.kernelSize as Triple, attrs));

/** torch.nn.functional.max_pool3d on (N, C, D, H, W), as maxPool2d; indices are (d*H + h)*W + w. */
export function maxPool3d(x: Tensor, kernelSize: Triple, opts: MaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(x: Tensor, kernelSize: Triple, opts?: MaxPool3dOptions & ReturnIndices): Tensor;
export function maxPool3d(x: Tensor, kernelSize: Triple, opts?: MaxPool3dOptions & ReturnIndices, ...none: []): Tensor | [Tensor, Tensor] {
  return runMaxPool('maxPool3d', x, kernelSize, MAX_POOL3D.parseLast(opts, none));
}

registerMaxPool<GlobalMaxPoolAttrs>('globalMaxPool2d', ['GlobalMaxPool'], GLOBAL_MAX_POOL2D, (x) => globalMaxPool2dForward(x));

/** The maximum of each (n, c) plane of x (N, C, H, W): (N, C, 1, 1). */
export function globalMaxPool2d(x: Tensor, ...none: []): Tensor {
  GLOBAL_MAX_POOL2D.fromArguments(none);
  requireTensor('globalMaxPool2d', x, 'x');
  return runOp('globalMaxPool2d', [x], { saved: { indices: null, forCaller: null } });
}

interface AvgPoolAttrs extends AvgPool2dOptions {
  kernelSize: Pair;
}

interface AvgPool3dAttrs extends AvgPool3dOptions {
  kernelSize: Triple;
}

registerKernel<AvgPoolAttrs>({
  name: 'avgPool2d',
  simd: true,
  threaded: true,
  onnx: ['AveragePool'],
  options: AVG_POOL2D,
  forward: ([x], attrs) => withContiguous([x], ([xc]) => avgPool2dForward(xc, attrs.kernelSize, attrs)),
});
registerGradient<AvgPoolAttrs>({
  name: 'avgPool2d',
  // each window's dy / its divisor is spread over the pixels it covered
  backward: (dy, { inputs: [x], attrs }) =>
    [withContiguous([dy], ([g]) => avgPool2dBackward(g, x.shape, attrs.kernelSize, attrs))],
});

/**
 * torch.nn.functional.avg_pool2d on (N, C, H, W), plus ONNX's dilation. stride defaults to the
 * kernel size; countIncludePad (default true) divides by the taps inside the padded input, else by
 * those inside the input. Padding may exceed half the window, unlike torch: a window wholly in it
 * gives 0 with countIncludePad and NaN (0 / 0) without.
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts?: AvgPool2dOptions, ...none: []): Tensor {
  const options = AVG_POOL2D.parseLast(opts, none);
  requireTensor('avgPool2d', x, 'x');
  return runOp('avgPool2d', [x], { ...options, kernelSize });
}

registerKernel<AvgPool3dAttrs>({
  name: 'avgPool3d',
  simd: true,
  threaded: true,
  onnx: ['AveragePool'],
  options: AVG_POOL3D,
  forward: ([x], attrs) => withContiguous([x], ([xc]) => avgPool3dForward(xc, attrs.kernelSize, attrs)),
});
registerGradient<AvgPool3dAttrs>({
  name: 'avgPool3d',
  backward: (dy, { inputs: [x], attrs }) =>
    [withContiguous([dy], ([g]) => avgPool3dBackward(g, x.shape, attrs.kernelSize, attrs))],
});

/** torch.nn.functional.avg_pool3d on (N, C, D, H, W), as avgPool2d. */
export function avgPool3d(x: Tensor, kernelSize: Triple, opts?: AvgPool3dOptions, ...none: []): Tensor {
  const options = AVG_POOL3D.parseLast(opts, none);
  requireTensor('avgPool3d', x, 'x');
  return runOp('avgPool3d', [x], { ...options, kernelSize });
}

registerKernel({
  name: 'globalAvgPool2d',
  simd: true,
  threaded: true,
  onnx: ['GlobalAveragePool'],
  options: GLOBAL_AVG_POOL2D,
  forward: ([x]) => withContiguous([x], ([xc]) => globalAvgPool2dForward(xc)),
});
registerGradient({
  name: 'globalAvgPool2d',
  backward: (dy, { inputs: [x] }) => [withContiguous([dy], ([g]) => globalAvgPool2dBackward(g, x.shape))],
});

/** The mean of each (n, c) plane of x (N, C, H, W): (N, C, 1, 1). */
export function globalAvgPool2d(x: Tensor, ...none: []): Tensor {
  GLOBAL_AVG_POOL2D.fromArguments(none);
  requireTensor('globalAvgPool2d', x, 'x');
  return runOp('globalAvgPool2d', [x]);
}

/**
 * torch.nn.functional.adaptive_avg_pool2d for output sizes that divide the input plane (1 always
 * does): then every window has the same size and they tile the plane, which is average pooling
 * with kernel = stride = input / output. Other sizes need overlapping windows of varying size.
 */
export function adaptiveAvgPool2d(x: Tensor, ...args: [outputSize: Pair] | [{ outputSize: Pair }]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const { outputSize } = ADAPTIVE_AVG_POOL2D.fromArguments(args);
  requireTensor(op, x, 'x');
  if (x.ndim !== 4) throw new ShapeError(`${op}: x must be 4-D (N, C, H, W), got shape ${formatShape(x.shape)}`);
  const [oh, ow] = pair(op, 'outputSize', outputSize, 1);
  const [, , H, W] = x.shape;
  if (oh === 1 && ow === 1) return globalAvgPool2d(x);
  if (H % oh !== 0 || W % ow !== 0) {
    throw new ArgumentError(
      `${op}: output size ${oh}x${ow} must divide the input plane of x ${formatShape(x.shape)}; ` +
        'windows of unequal size are not supported',
    );
  }
  return avgPool2d(x, [H / oh, W / ow]);
}

registerComposite({ name: 'adaptiveAvgPool2d', builtFrom: ['globalAvgPool2d', 'avgPool2d'], options: ADAPTIVE_AVG_POOL2D });
