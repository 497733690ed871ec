// Differentiable 2-D pooling over bindings/kernels/pool.ts: max (its backward routes dy through
// the argmax indices the forward saved), average, and the global forms over a whole plane.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import {
  avgPool2dBackward, avgPool2dForward, globalAvgPool2dBackward, globalAvgPool2dForward, globalMaxPool2dForward,
  maxPool2dBackward, maxPool2dForward, type AvgPool2dOptions, type MaxPool2dOptions, type MaxPoolResult,
} from '../kernels/pool.js';
import { requireTensor, withContiguous } from '../kernels/operands.js';
import { pair, type Pair } from '../kernels/spatial.js';
import type { Tensor } from '../tensor.js';

export type { AvgPool2dOptions, MaxPool2dOptions } from '../kernels/pool.js';

/** The argmax indices of one max-pool forward, held until its backward has used them. */
interface SavedIndices {
  indices: Tensor | null;
}

interface GlobalMaxPoolAttrs {
  saved: SavedIndices;
}

interface MaxPoolAttrs extends MaxPool2dOptions, GlobalMaxPoolAttrs {
  kernelSize: Pair;
}

/**
 * The values of a max pooling; its indices are kept for the backward only when runOp will record
 * the op (the same test runOp makes), and freed at once otherwise.
 */
function keepIndicesIfRecorded(x: Tensor, result: MaxPoolResult, saved: SavedIndices): Tensor {
  if (isGradEnabled() && x.requiresGrad) saved.indices = result.indices;
  else result.indices.dispose();
  return result.y;
}

/** dx from the saved indices, which are freed: a graph runs backward once. */
function maxPoolBackward(dy: Tensor, x: Tensor, saved: SavedIndices): Tensor {
  const indices = saved.indices;
  if (indices === null) throw new ArgumentError('maxPool2d backward: the indices of the forward are gone');
  saved.indices = null;
  try {
    return withContiguous([dy], ([g]) => maxPool2dBackward(g, indices, x.shape));
  } finally {
    indices.dispose();
  }
}

registerKernel<MaxPoolAttrs>({
  name: 'maxPool2d',
  simd: true,
  threaded: true,
  onnx: ['MaxPool'],
  forward: ([x], attrs) =>
    withContiguous([x], ([xc]) => keepIndicesIfRecorded(x, maxPool2dForward(xc, attrs.kernelSize, attrs), attrs.saved)),
});
registerGradient<MaxPoolAttrs>({
  name: 'maxPool2d',
  // each window's dy goes to the input pixel that was its maximum
  backward: (dy, { inputs: [x], attrs }) => [maxPoolBackward(dy, x, attrs.saved)],
});

/**
 * torch.nn.functional.max_pool2d on (N, C, H, W), returning the values. stride defaults to the
 * kernel size; padding (implicit -infinity) is at most half the dilated kernel.
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): Tensor {
  requireTensor('maxPool2d', x, 'x');
  return runOp('maxPool2d', [x], { ...opts, kernelSize, saved: { indices: null } });
}

registerKernel<GlobalMaxPoolAttrs>({
  name: 'globalMaxPool2d',
  simd: true,
  threaded: true,
  onnx: ['GlobalMaxPool'],
  forward: ([x], attrs) => withContiguous([x], ([xc]) => keepIndicesIfRecorded(x, globalMaxPool2dForward(xc), attrs.saved)),
});
registerGradient<GlobalMaxPoolAttrs>({
  name: 'globalMaxPool2d',
  backward: (dy, { inputs: [x], attrs }) => [maxPoolBackward(dy, x, attrs.saved)],
});

/** The maximum of each (n, c) plane of x (N, C, H, W): (N, C, 1, 1). */
export function globalMaxPool2d(x: Tensor): Tensor {
  requireTensor('globalMaxPool2d', x, 'x');
  return runOp('globalMaxPool2d', [x], { saved: { indices: null } });
}

interface AvgPoolAttrs extends AvgPool2dOptions {
  kernelSize: Pair;
}

registerKernel<AvgPoolAttrs>({
  name: 'avgPool2d',
  simd: true,
  threaded: true,
  onnx: ['AveragePool'],
  forward: ([x], attrs) => withContiguous([x], ([xc]) => avgPool2dForward(xc, attrs.kernelSize, attrs)),
});
registerGradient<AvgPoolAttrs>({
  name: 'avgPool2d',
  // each window's dy / its divisor is spread over the pixels it covered
  backward: (dy, { inputs: [x], attrs }) =>
    [withContiguous([dy], ([g]) => avgPool2dBackward(g, x.shape, attrs.kernelSize, attrs))],
});

/**
 * torch.nn.functional.avg_pool2d on (N, C, H, W). stride defaults to the kernel size;
 * countIncludePad (default true) divides by the whole window, padding included.
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  requireTensor('avgPool2d', x, 'x');
  return runOp('avgPool2d', [x], { ...opts, kernelSize });
}

registerKernel({
  name: 'globalAvgPool2d',
  simd: true,
  threaded: true,
  onnx: ['GlobalAveragePool'],
  forward: ([x]) => withContiguous([x], ([xc]) => globalAvgPool2dForward(xc)),
});
registerGradient({
  name: 'globalAvgPool2d',
  backward: (dy, { inputs: [x] }) => [withContiguous([dy], ([g]) => globalAvgPool2dBackward(g, x.shape))],
});

/** The mean of each (n, c) plane of x (N, C, H, W): (N, C, 1, 1). */
export function globalAvgPool2d(x: Tensor): Tensor {
  requireTensor('globalAvgPool2d', x, 'x');
  return runOp('globalAvgPool2d', [x]);
}

/**
 * torch.nn.functional.adaptive_avg_pool2d for output sizes that divide the input plane (1 always
 * does): then every window has the same size and they tile the plane, which is average pooling
 * with kernel = stride = input / output. Other sizes need overlapping windows of varying size.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const op = 'adaptiveAvgPool2d';
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

registerComposite({ name: 'adaptiveAvgPool2d', builtFrom: ['globalAvgPool2d', 'avgPool2d'] });
