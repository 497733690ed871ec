// Softmax and log-softmax over one axis of a float32 tensor, and their backward kernels.
// A slice that is all -Infinity gives softmax 0 and log-softmax -Infinity (never NaN).
import { empty } from '../creation.js';
import { formatShape, ShapeError } from '../errors.js';
import { softmaxBackwardTask, softmaxTask } from '../runtime/generated/kernel-args.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { axisView, normaliseAxis } from './axis.js';
import { requireFloat32, requireTensor, taskFor, withContiguous, type KernelChoice } from './operands.js';

// exp, a division or a log, and the max and sum passes: about this many multiply-adds an element.
const COST = 16;

function forward(op: string, x: Tensor, axis: number, isLog: boolean, kernel: KernelChoice): Tensor {
  requireTensor(op, x, 'x');
  requireFloat32(op, x, 'x');
  const { outer, len, inner } = axisView(x.shape, normaliseAxis(op, axis, x.ndim));
  return withContiguous([x], ([xc]) => {
    const y = empty(x.shape);
    if (y.size > 0) {
      softmaxTask(taskFor('softmax_f32', kernel), { y: y.ptr(), x: xc.ptr(op), outer, len, inner, isLog }, y.size * COST);
    }
    return y;
  });
}

function backward(op: string, y: Tensor, dy: Tensor, axis: number, isLog: boolean, kernel: KernelChoice): Tensor {
  requireTensor(op, y, 'y');
  requireTensor(op, dy, 'dy');
  requireFloat32(op, y, 'y');
  requireFloat32(op, dy, 'dy');
  if (!sameShape(y.shape, dy.shape)) {
    throw new ShapeError(`${op}: y has shape ${formatShape(y.shape)} but dy has ${formatShape(dy.shape)}; expected the same`);
  }
  const { outer, len, inner } = axisView(y.shape, normaliseAxis(op, axis, y.ndim));
  return withContiguous([y, dy], ([yc, gc]) => {
    const dx = empty(y.shape);
    if (dx.size > 0) {
      softmaxBackwardTask(taskFor('softmax_backward_f32', kernel), {
        dx: dx.ptr(), y: yc.ptr(op), dy: gc.ptr(op), outer, len, inner, isLog,
      }, dx.size * COST);
    }
    return dx;
  });
}

/** exp(x) / sum(exp(x)) along `axis` (default the last), computed stably. */
export function softmax(x: Tensor, axis = -1, kernel: KernelChoice = 'simd'): Tensor {
  return forward('softmax', x, axis, false, kernel);
}

/** x - log(sum(exp(x))) along `axis` (default the last), computed stably. */
export function logSoftmax(x: Tensor, axis = -1, kernel: KernelChoice = 'simd'): Tensor {
  return forward('logSoftmax', x, axis, true, kernel);
}

/** dx = y * (dy - sum(dy * y)) along `axis`, given softmax's output y. */
export function softmaxBackward(y: Tensor, dy: Tensor, axis = -1, kernel: KernelChoice = 'simd'): Tensor {
  return backward('softmaxBackward', y, dy, axis, false, kernel);
}

/** dx = dy - exp(y) * sum(dy) along `axis`, given logSoftmax's output y. */
export function logSoftmaxBackward(y: Tensor, dy: Tensor, axis = -1, kernel: KernelChoice = 'simd'): Tensor {
  return backward('logSoftmaxBackward', y, dy, axis, true, kernel);
}
