// Cross-entropy of class targets from logits, row by row, and its backward (assembly/cross_entropy.ts).
// The callers check the targets' range: the kernel reads a class weight and a logit at each target.
import { empty } from '../creation.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { crossEntropyTask } from '../runtime/generated/kernel-args.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { requireFloat32, requireTensor, taskFor, withContiguous, type KernelChoice } from './operands.js';

// exp and log per logit, and the max and sum passes: as softmax counts them.
const COST = 16;

export interface CrossEntropyRows {
  /** (C) float32 per-class weights, or null for all 1. */
  classWeight: Tensor | null;
  /** Rows whose target is this index add nothing. */
  ignoreIndex: number;
  labelSmoothing: number;
  /** Multiplies every row's loss (1 / the mean's denominator, or 1). */
  scale: number;
}

function checkRows(op: string, x: Tensor, target: Tensor, o: CrossEntropyRows): void {
  requireTensor(op, x, 'x');
  requireTensor(op, target, 'target');
  requireFloat32(op, x, 'x');
  if (x.ndim !== 2) throw new ShapeError(`${op}: x must be (rows, classes), got ${formatShape(x.shape)}`);
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: target must be int32, got ${target.dtype} ${formatShape(target.shape)}`);
  if (!sameShape(target.shape, [x.shape[0]])) {
    throw new ShapeError(`${op}: target ${formatShape(target.shape)} does not match x ${formatShape(x.shape)}; expected [${x.shape[0]}]`);
  }
  if (o.classWeight !== null) {
    requireTensor(op, o.classWeight, 'classWeight');
    requireFloat32(op, o.classWeight, 'classWeight');
    if (!sameShape(o.classWeight.shape, [x.shape[1]])) {
      throw new ShapeError(`${op}: classWeight ${formatShape(o.classWeight.shape)} does not match x ${formatShape(x.shape)}; expected [${x.shape[1]}]`);
    }
  }
}

const operands = (x: Tensor, target: Tensor, o: CrossEntropyRows) => (o.classWeight === null ? [x, target] : [x, target, o.classWeight]);

/** loss_i = -scale * sum_j w_ij log softmax(x_i)_j, for x (M, C) and int32 targets (M): an (M) tensor. */
export function crossEntropyRows(x: Tensor, target: Tensor, o: CrossEntropyRows, kernel: KernelChoice = 'simd'): Tensor {
  const op = 'crossEntropy';
  checkRows(op, x, target, o);
  const [M, C] = x.shape;
  return withContiguous(operands(x, target, o), ([xc, tc, wc]) => {
    const loss = empty([M]);
    if (M > 0) {
      // The forward reads no dloss or weight sum.
      crossEntropyTask(taskFor('cross_entropy_f32', kernel), {
        out: loss.ptr(), x: xc.ptr(op), target: tc.ptr(op), classWeight: wc === undefined ? 0 : wc.ptr(op), dloss: 0,
        M, C, ignoreIndex: o.ignoreIndex, eps: o.labelSmoothing, scale: o.scale, weightSum: 0,
      }, M * C * COST);
    }
    return loss;
  });
}

/** dx_ij = dloss_i * scale * (W_i softmax(x_i)_j - w_ij), for the loss above. */
export function crossEntropyRowsBackward(x: Tensor, target: Tensor, dloss: Tensor, o: CrossEntropyRows, kernel: KernelChoice = 'simd'): Tensor {
  const op = 'crossEntropy backward';
  checkRows(op, x, target, o);
  requireTensor(op, dloss, 'dloss');
  requireFloat32(op, dloss, 'dloss');
  if (!sameShape(dloss.shape, target.shape)) {
    throw new ShapeError(`${op}: dloss ${formatShape(dloss.shape)} does not match target ${formatShape(target.shape)}; expected the same`);
  }
  const [M, C] = x.shape;
  const weightSum = o.classWeight === null ? C : (o.classWeight.toArray() as Float32Array).reduce((a, b) => a + b, 0);
  return withContiguous([...operands(x, target, o), dloss], (ts) => {
    const [xc, tc] = ts;
    const wc = o.classWeight === null ? undefined : ts[2];
    const gc = ts[ts.length - 1];
    const dx = empty([M, C]);
    if (dx.size > 0) {
      crossEntropyTask(taskFor('cross_entropy_backward_f32', kernel), {
        out: dx.ptr(), x: xc.ptr(op), target: tc.ptr(op), classWeight: wc === undefined ? 0 : wc.ptr(op), dloss: gc.ptr(op),
        M, C, ignoreIndex: o.ignoreIndex, eps: o.labelSmoothing, scale: o.scale, weightSum,
      }, dx.size * COST);
    }
    return dx;
  });
}
