// Losses, composed from differentiable primitives so they need no gradient code of their own,
// except cross-entropy: the loss of every classifier and language model, it has its own kernel
// pair. For NLL, class targets become a constant weight matrix (one-hot, class-weighted,
// smoothed, zero on ignored positions), so it is one product and one sum.
import { tensor } from '../creation.js';
import { registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { crossEntropyRows, crossEntropyRowsBackward, type CrossEntropyRows } from '../kernels/cross-entropy.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { abs, exp, log, neg, relu, square } from './unary.js';
import { add, mul, sub } from './arithmetic.js';
import { mean, sum } from './reduce.js';
import { sameShape } from '../shape.js';
import { permute, reshape } from './views.js';
import { defineOptions } from '../options.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ClassLossOptions {
  /** Per-class weights (C), as PyTorch's `weight`. */
  weight?: Tensor;
  /** Positions whose target is this class index add nothing and are not counted. Default -100. */
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution by this much. Default 0. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

const REDUCTION = "'mean'|'sum'|'none'";
const CLASS_LOSS_FIELDS = { weight: 'tensor', ignoreIndex: 'int', labelSmoothing: 'number', reduction: REDUCTION } as const;
const NLL_LOSS = defineOptions<ClassLossOptions>('nllLoss', CLASS_LOSS_FIELDS);
const CROSS_ENTROPY = defineOptions<ClassLossOptions>('crossEntropy', CLASS_LOSS_FIELDS);

/** The losses of a prediction and a target of one shape take only the reduction, by position or as { reduction }. */
interface PairLossOptions {
  reduction?: Reduction;
}
const PAIR_LOSSES = new Map(
  ['mseLoss', 'l1Loss', 'bceWithLogits'].map((name) => [name, defineOptions<PairLossOptions>(name, { reduction: REDUCTION })]),
);

/**
 * Scores (N, C, d1, ...) as rows (N*d1*..., C), the class dim last, so that every loss below
 * works on one matrix whatever the extra dims.
 */
function asRows(scores: Tensor): Tensor {
  if (scores.ndim === 2) return scores;
  const last = [0, ...scores.shape.slice(2).map((_, i) => i + 2), 1];
  return reshape(permute(scores, last), [-1, scores.shape[1]]);
}

/** Class targets checked against their scores, with what both class losses need from them. */
interface ClassTargets {
  labels: ArrayLike<number>;
  classWeight: ArrayLike<number> | null;
  ignore: number;
  eps: number;
  /** The mean's denominator: the summed weights of the counted positions, as PyTorch. */
  denominator: number;
}

function classTargets(op: string, scores: Tensor, target: Tensor, opts: ClassLossOptions): ClassTargets {
  if (scores.ndim < 2) throw new ShapeError(`${op}: expected input (N, C) or (N, C, d1, ...), got ${formatShape(scores.shape)}`);
  const c = scores.shape[1];
  if (target.dtype !== 'int32') throw new DTypeError(`${op}: class targets must be int32, got ${target.dtype}`);
  const expected = [scores.shape[0], ...scores.shape.slice(2)];
  if (!sameShape(target.shape, expected)) {
    throw new ShapeError(`${op}: target ${formatShape(target.shape)} does not match input ${formatShape(scores.shape)}; expected ${formatShape(expected)}`);
  }
  const ignore = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  let classWeight: ArrayLike<number> | null = null;
  if (opts.weight !== undefined) {
    if (opts.weight.dtype !== 'float32' || opts.weight.ndim !== 1 || opts.weight.shape[0] !== c) {
      throw new ShapeError(`${op}: weight must be float32 of shape [${c}], got ${opts.weight.dtype} ${formatShape(opts.weight.shape)}`);
    }
    classWeight = opts.weight.toArray();
  }
  const labels = target.toArray();
  let denominator = 0;
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (k === ignore) continue;
    if (k < 0 || k >= c) throw new ShapeError(`${op}: target ${k} at position ${i} is out of range for ${c} classes`);
    denominator += classWeight === null ? 1 : classWeight[k];
  }
  return { labels, classWeight, ignore, eps, denominator };
}

/** The constant (M, C) matrix that selects, weights, smooths and masks targets. */
function targetWeights(t: ClassTargets, c: number): Tensor {
  const { labels, classWeight, ignore, eps } = t;
  const w = new Float32Array(labels.length * c);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i];
    if (k === ignore) continue;
    for (let j = 0; j < c; j++) w[i * c + j] = (eps * (classWeight === null ? 1 : classWeight[j])) / c;
    w[i * c + k] += (1 - eps) * (classWeight === null ? 1 : classWeight[k]);
  }
  return tensor(w, [labels.length, c]);
}

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

function checkReduction(op: string, reduction: Reduction): Reduction {
  if (!REDUCTIONS.includes(reduction)) {
    throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  }
  return reduction;
}

function reduceRows(op: string, perRow: Tensor, reduction: Reduction, denominator: number, shape: readonly number[]): Tensor {
  switch (checkReduction(op, reduction)) {
    case 'none':
      return reshape(perRow, shape);
    case 'sum':
      return sum(perRow);
    default:
      // The mean. Like PyTorch, a batch where every position is ignored has mean 0/0 = NaN.
      return mul(sum(perRow), 1 / denominator);
  }
}

/** Negative log-likelihood of class targets, from log-probabilities (N, C) or (N, C, d1, ...). */
export function nllLoss(logProbs: Tensor, target: Tensor, options?: ClassLossOptions, ...none: []): Tensor {
  const opts = NLL_LOSS.parseLast(options, none);
  const t = classTargets('nllLoss', logProbs, target, opts);
  // The weights stay alive with the graph, which needs them for the gradient.
  const picked = mul(asRows(logProbs), targetWeights(t, logProbs.shape[1]));
  return reduceRows('nllLoss', neg(sum(picked, 1)), opts.reduction ?? 'mean', t.denominator, target.shape);
}

interface CrossEntropyAttrs {
  rows: CrossEntropyRows;
}

// Inputs: logits as rows (M, C), their int32 targets (M), and the class weights (C) when given.
registerKernel<CrossEntropyAttrs>({
  name: 'crossEntropy',
  simd: true,
  threaded: true,
  onnx: ['SoftmaxCrossEntropyLoss'],
  options: CROSS_ENTROPY,
  forward: ([x, target], { rows }) => crossEntropyRows(x, target, rows),
});
registerGradient<CrossEntropyAttrs>({
  name: 'crossEntropy',
  // loss_i = -scale * sum_j w_ij log softmax(x_i)_j
  backward: (dloss, { inputs, attrs: { rows } }) => inputs.map((t, i) => (i === 0 ? crossEntropyRowsBackward(t, inputs[1], dloss, rows) : null)),
});

/** Cross-entropy of class targets from raw scores (N, C) or (N, C, d1, ...): log-softmax and NLL in one kernel. */
export function crossEntropy(logits: Tensor, target: Tensor, options?: ClassLossOptions, ...none: []): Tensor {
  const opts = CROSS_ENTROPY.parseLast(options, none);
  const t = classTargets('crossEntropy', logits, target, opts);
  const reduction = checkReduction('crossEntropy', opts.reduction ?? 'mean');
  // The mean's 1/denominator scales each row in the kernel, so the mean costs one sum. Like
  // PyTorch, a batch where every position is ignored has mean 0/0 = NaN (0 * Infinity there).
  const rows: CrossEntropyRows = {
    classWeight: opts.weight ?? null, ignoreIndex: t.ignore, labelSmoothing: t.eps, scale: reduction === 'mean' ? 1 / t.denominator : 1,
  };
  const inputs = [asRows(logits), reshape(target, [-1])];
  if (opts.weight !== undefined) inputs.push(opts.weight);
  const perRow = runOp('crossEntropy', inputs, { rows });
  return reduction === 'none' ? reshape(perRow, target.shape) : sum(perRow);
}

function checkPair(op: string, a: Tensor, b: Tensor): void {
  if (!sameShape(a.shape, b.shape)) {
    throw new ShapeError(`${op}: input ${formatShape(a.shape)} and target ${formatShape(b.shape)} must have the same shape`);
  }
}

function reduceAll(op: string, t: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'mean') return mean(t);
  return reduceRows(op, t, reduction, t.size, t.shape);
}

export function mseLoss(input: Tensor, target: Tensor, ...args: [reduction?: Reduction] | [PairLossOptions]): Tensor {
  const { reduction = 'mean' } = PAIR_LOSSES.get('mseLoss')!.fromArguments(args);
  checkPair('mseLoss', input, target);
  return reduceAll('mseLoss', square(sub(input, target)), reduction);
}

export function l1Loss(input: Tensor, target: Tensor, ...args: [reduction?: Reduction] | [PairLossOptions]): Tensor {
  const { reduction = 'mean' } = PAIR_LOSSES.get('l1Loss')!.fromArguments(args);
  checkPair('l1Loss', input, target);
  return reduceAll('l1Loss', abs(sub(input, target)), reduction);
}

/**
 * Binary cross-entropy from logits, in the stable form max(x, 0) - x*y + log(1 + exp(-|x|)),
 * which never takes the log of 0 or the exp of a large number.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, ...args: [reduction?: Reduction] | [PairLossOptions]): Tensor {
  const { reduction = 'mean' } = PAIR_LOSSES.get('bceWithLogits')!.fromArguments(args);
  checkPair('bceWithLogits', logits, target);
  const softplusTail = log(add(exp(neg(abs(logits))), 1));
  return reduceAll('bceWithLogits', add(sub(relu(logits), mul(logits, target)), softplusTail), reduction);
}

registerComposite({ name: 'nllLoss', builtFrom: ['mul', 'sum', 'neg'], onnx: ['NegativeLogLikelihoodLoss'], options: NLL_LOSS });
registerComposite({ name: 'mseLoss', builtFrom: ['sub', 'square', 'mean'], options: PAIR_LOSSES.get('mseLoss') });
registerComposite({ name: 'l1Loss', builtFrom: ['sub', 'abs', 'mean'], options: PAIR_LOSSES.get('l1Loss') });
registerComposite({
  name: 'bceWithLogits', builtFrom: ['relu', 'mul', 'sub', 'abs', 'neg', 'exp', 'affine', 'log', 'add', 'mean'],
  options: PAIR_LOSSES.get('bceWithLogits'),
});
