// Batch normalisation over the channel dim 1 of (N, C, ...) float32 tensors (BatchNorm2d on NCHW,
// and BatchNorm1d on (N, C) or (N, C, L)): fused kernels of assembly/batchnorm.ts.
import { empty } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { batchNormBackwardTask, batchNormTask } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import { kernelChoice, type KernelChoice } from './operands.js';
import { checkShapeIs, checkTensor, numberOption } from './spatial.js';

export interface BatchNormTrainOptions {
  /** gamma (C); absent means 1. */
  weight?: Tensor | null;
  /** beta (C); absent means 0. */
  bias?: Tensor | null;
  /** (C), updated in place: (1 - momentum) * running + momentum * batch mean. */
  runningMean?: Tensor | null;
  /** (C), updated in place with the unbiased batch variance, as torch. */
  runningVar?: Tensor | null;
  /** Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
  kernel?: KernelChoice;
}

export interface BatchNormEvalOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
  kernel?: KernelChoice;
}

export interface BatchNormTrainResult {
  y: Tensor;
  /** (C): the batch mean, for the backward. */
  mean: Tensor;
  /** (C): 1 / sqrt(biased batch variance + eps), for the backward. */
  invstd: Tensor;
}

export interface BatchNormGrads {
  /** Null when not asked for. */
  dx: Tensor | null;
  /** (C) */
  dweight: Tensor;
  /** (C) */
  dbias: Tensor;
}

/** N, C and the size of the rest of x. */
function layout(op: string, x: Tensor): [number, number, number] {
  checkTensor(op, 'x', x, 2, 'at least 2-D (N, C, ...)', true);
  const [N, C] = x.shape;
  return [N, C, N * C === 0 ? 0 : x.size / (N * C)];
}

/** The pointer of an optional per-channel vector, or 0. */
function channelVector(op: string, name: string, t: Tensor | null | undefined, C: number): number {
  if (t === undefined || t === null) return 0;
  checkTensor(op, name, t, 1, `a vector of the ${C} channels`);
  checkShapeIs(op, name, t, [C], 'one per channel');
  return t.ptr(op);
}

function checkEps(op: string, eps: unknown): number {
  const e = numberOption(op, 'eps', eps, 1e-5);
  if (e < 0) throw new ArgumentError(`${op}: eps must be >= 0, got ${e}`);
  return e;
}

/** Normalises x with its batch statistics per channel and updates the running statistics if given. */
export function batchNorm2dTrainForward(x: Tensor, opts: BatchNormTrainOptions = {}): BatchNormTrainResult {
  const op = 'batchNorm2d (training)';
  const [N, C, S] = layout(op, x);
  if (N * S < 2) {
    throw new ShapeError(`${op}: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
  }
  const momentum = numberOption(op, 'momentum', opts.momentum, 0.1);
  const eps = checkEps(op, opts.eps);
  const gamma = channelVector(op, 'weight', opts.weight, C);
  const beta = channelVector(op, 'bias', opts.bias, C);
  const rm = channelVector(op, 'runningMean', opts.runningMean, C);
  const rv = channelVector(op, 'runningVar', opts.runningVar, C);
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'batchnorm_train' : 'batchnorm_train_reference';
  const y = empty(x.shape);
  const mean = empty([C]);
  const invstd = empty([C]);
  batchNormTask(task, {
    x: x.ptr(), y: y.ptr(), gamma, beta, mean: mean.ptr(), invstd: invstd.ptr(), runningMean: rm, runningVar: rv, N, C, S, eps, momentum,
  }, 3 * x.size);
  return { y, mean, invstd };
}

/** Normalises x with the running statistics: torch's batch_norm with training = false. */
export function batchNorm2dEvalForward(x: Tensor, runningMean: Tensor, runningVar: Tensor, opts: BatchNormEvalOptions = {}): Tensor {
  const op = 'batchNorm2d (eval)';
  const [N, C, S] = layout(op, x);
  if (runningMean === undefined || runningMean === null || runningVar === undefined || runningVar === null) {
    throw new ArgumentError(`${op}: needs runningMean and runningVar`);
  }
  const rm = channelVector(op, 'runningMean', runningMean, C);
  const rv = channelVector(op, 'runningVar', runningVar, C);
  const gamma = channelVector(op, 'weight', opts.weight, C);
  const beta = channelVector(op, 'bias', opts.bias, C);
  const eps = checkEps(op, opts.eps);
  const task = kernelChoice(op, opts.kernel) === 'simd' ? 'batchnorm_eval' : 'batchnorm_eval_reference';
  const y = empty(x.shape);
  batchNormTask(task, {
    x: x.ptr(), y: y.ptr(), gamma, beta, mean: 0, invstd: 0, runningMean: rm, runningVar: rv, N, C, S, eps, momentum: 0,
  }, 2 * x.size);
  return y;
}

/**
 * The gradients of batchNorm2dTrainForward given dy, from the mean and invstd it returned.
 * weight is the gamma of the forward (absent: 1); dx is computed when needsInput.
 */
export function batchNorm2dBackward(
  dy: Tensor, x: Tensor, mean: Tensor, invstd: Tensor, weight?: Tensor | null, needsInput = true, kernel?: KernelChoice,
): BatchNormGrads {
  const op = 'batchNorm2d backward';
  const [N, C, S] = layout(op, x);
  checkTensor(op, 'dy', dy, x.ndim, `shaped like x ${formatShape(x.shape)}`);
  checkShapeIs(op, 'dy', dy, x.shape, 'the shape of x');
  const meanPtr = channelVector(op, 'mean', mean, C);
  const invstdPtr = channelVector(op, 'invstd', invstd, C);
  if (meanPtr === 0 || invstdPtr === 0) throw new ArgumentError(`${op}: needs the mean and invstd of the forward`);
  const gamma = channelVector(op, 'weight', weight, C);
  const task = kernelChoice(op, kernel) === 'simd' ? 'batchnorm_backward' : 'batchnorm_backward_reference';
  const dx = needsInput ? empty(x.shape) : null;
  const dweight = empty([C]);
  const dbias = empty([C]);
  batchNormBackwardTask(task, {
    dy: dy.ptr(), x: x.ptr(), mean: meanPtr, invstd: invstdPtr, gamma, dx: dx === null ? 0 : dx.ptr(),
    dgamma: dweight.ptr(), dbeta: dbias.ptr(), N, C, S,
  }, 3 * x.size);
  return { dx, dweight, dbias };
}
