// Losses, composed from differentiable primitives so they need no gradient code of their own.
// Class targets become a constant weight matrix (one-hot, smoothed, zero on ignored rows), so
// cross-entropy is one log-softmax, one product and one sum.
import { tensor } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { abs, exp, log, neg, relu, square } from './unary.js';
import { add, mul, sub } from './arithmetic.js';
import { mean, sum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import { sameShape } from '../shape.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ClassLossOptions {
  /** Rows whose target is this class index add nothing and are not counted. Default -100. */
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution by this much. Default 0. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

/** The (N, C) matrix that selects, smooths and masks targets, and how many rows count. */
function targetWeights(op: string, scores: Tensor, target: Tensor, opts: ClassLossOptions): [Tensor, number] {
  if (scores.ndim !== 2) {
    throw new ShapeError(`${op}: expected input (N, C), got ${formatShape(scores.shape)}`);
  }
  const [n, c] = scores.shape;
  if (target.dtype !== 'int32') {
    throw new DTypeError(`${op}: class targets must be int32, got ${target.dtype}`);
  }
  if (target.ndim !== 1 || target.shape[0] !== n) {
    throw new ShapeError(`${op}: target ${formatShape(target.shape)} does not match input ${formatShape(scores.shape)}; expected (${n})`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  const labels = target.toArray();
  const w = new Float32Array(n * c);
  let counted = 0;
  for (let i = 0; i < n; i++) {
    const k = labels[i];
    if (k === ignore) continue;
    if (k < 0 || k >= c) throw new ShapeError(`${op}: target ${k} at position ${i} is out of range for ${c} classes`);
    counted++;
    for (let j = 0; j < c; j++) w[i * c + j] = eps / c;
    w[i * c + k] += 1 - eps;
  }
  return [tensor(w, [n, c]), counted];
}

function reduceRows(op: string, perElement: Tensor, reduction: Reduction, count: number): Tensor {
  switch (reduction) {
    case 'none':
      return perElement;
    case 'sum':
      return sum(perElement);
    case 'mean':
      // Like PyTorch, a batch where every row is ignored has mean 0/0 = NaN.
      return mul(sum(perElement), 1 / count);
    default:
      throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
}

/** Negative log-likelihood of class targets, from log-probabilities (N, C). */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  const [w, count] = targetWeights('nllLoss', logProbs, target, opts);
  const picked = mul(logProbs, w);
  w.dispose();
  const perRow = neg(sum(picked, 1));
  return reduceRows('nllLoss', perRow, opts.reduction ?? 'mean', count);
}

/** Cross-entropy of class targets from raw scores (N, C): log-softmax and NLL in one. */
export function crossEntropy(logits: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  return nllLoss(logSoftmax(logits, 1), target, opts);
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(`${op}: input ${formatShape(a.shape)} and target ${formatShape(b.shape)} must have the same shape`);
  }
}

function reduceAll(op: string, t: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(t);
  return reduceRows(op, t, reduction, t.size);
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkPair('mseLoss', input, target);
  return reduceAll('mseLoss', square(sub(input, target)), reduction);
}

export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkPair('l1Loss', input, target);
  return reduceAll('l1Loss', abs(sub(input, target)), reduction);
}

/**
 * Binary cross-entropy from logits, in the stable form max(x, 0) - x*y + log(1 + exp(-|x|)),
 * which never takes the log of 0 or the exp of a large number.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  checkPair('bceWithLogits', logits, target);
  const softplusTail = log(add(exp(neg(abs(logits))), 1));
  return reduceAll('bceWithLogits', add(sub(relu(logits), mul(logits, target)), softplusTail), reduction);
}
