// Activations composed from the elementwise primitives, so autograd differentiates them with no
// gradient code: each is a handful of memory-bound passes over the tensor, cheap next to the
// matmuls and convolutions around it, and a fused kernel each would mean new wasm tasks.
import { registerComposite } from '../autograd/registry.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { numberOption } from '../kernels/spatial.js';
import { requireFloat32, requireTensor } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { add, affine, div, mul } from './arithmetic.js';
import { eq, gt, ne, where } from './compare.js';
import { composed } from './composite.js';
import { elu } from './elu.js';
import { abs, clamp, exp, log, neg, relu, sigmoid, tanh } from './unary.js';
import { reshape } from './views.js';
import { defineOptions, noOptions } from '../options.js';

export interface SoftplusOptions {
  /** Default 1; nonzero. */
  beta?: number;
  /** Default 20. */
  threshold?: number;
}

export const SOFTPLUS = defineOptions<SoftplusOptions>('softplus', { beta: 'number', threshold: 'number' });
const LOG1P = noOptions('log1p');
const SILU = noOptions('silu');
const MISH = noOptions('mish');
const HARDSWISH = noOptions('hardswish');
const SELU = noOptions('selu');
const PRELU = noOptions('prelu');

/**
 * log(1 + x), accurate where 1 + x rounds (small |x|): Goldberg's log(w) * x / (w - 1) with
 * w = 1 + x rounded, which cancels that rounding; where w rounds to 1 exactly, log1p(x) is x.
 */
export function log1p(x: Tensor, ...none: []): Tensor {
  LOG1P.fromArguments(none);
  requireTensor('log1p', x, 'x');
  return composed([x], () => {
    const w = affine(x, 1, 1);
    const d = affine(w, 1, -1);
    // d plus 1 where it is 0: the branch where() discards must stay finite for the backward
    const safe = add(d, eq(d, 0));
    return where(ne(d, 0), div(mul(log(w), x), safe), x);
  });
}
registerComposite({ name: 'log1p', builtFrom: ['affine', 'eq', 'ne', 'add', 'log', 'mul', 'div', 'where'], method: true, options: LOG1P });

/**
 * torch.nn.functional.softplus: log(1 + exp(beta x)) / beta, and x itself where beta x exceeds
 * `threshold`. Computed as max(bx, 0) + log1p(exp(-|bx|)), which never overflows. beta and
 * threshold come by position, as torch's, or as one options object.
 */
export function softplus(x: Tensor, ...args: [beta?: number, threshold?: number] | [SoftplusOptions]): Tensor {
  const op = 'softplus';
  const { beta, threshold } = SOFTPLUS.fromArguments(args);
  requireTensor(op, x, 'x');
  requireFloat32(op, x, 'x');
  const b = numberOption(op, 'beta', beta, 1);
  const t = numberOption(op, 'threshold', threshold, 20);
  if (b === 0) throw new ArgumentError(`${op}: beta must be nonzero, got 0`);
  return composed([x], () => {
    const bx = b === 1 ? x : mul(x, b);
    const smooth = add(relu(bx), log1p(exp(neg(abs(bx)))));
    return where(gt(bx, t), x, b === 1 ? smooth : mul(smooth, 1 / b));
  });
}
registerComposite({ name: 'softplus', builtFrom: ['affine', 'relu', 'abs', 'neg', 'exp', 'log1p', 'add', 'gt', 'where'], method: true, options: SOFTPLUS });

/** SiLU (swish): x * sigmoid(x). */
export function silu(x: Tensor, ...none: []): Tensor {
  SILU.fromArguments(none);
  requireTensor('silu', x, 'x');
  requireFloat32('silu', x, 'x');
  return composed([x], () => mul(x, sigmoid(x)));
}
registerComposite({ name: 'silu', builtFrom: ['sigmoid', 'mul'], method: true, options: SILU });

/** Mish: x * tanh(softplus(x)), with torch's softplus threshold of 20. */
export function mish(x: Tensor, ...none: []): Tensor {
  MISH.fromArguments(none);
  requireTensor('mish', x, 'x');
  requireFloat32('mish', x, 'x');
  return composed([x], () => mul(x, tanh(softplus(x))));
}
registerComposite({ name: 'mish', builtFrom: ['softplus', 'tanh', 'mul'], method: true, options: MISH });

/** Hard swish (MobileNetV3): x * relu6(x + 3) / 6. */
export function hardswish(x: Tensor, ...none: []): Tensor {
  HARDSWISH.fromArguments(none);
  requireTensor('hardswish', x, 'x');
  requireFloat32('hardswish', x, 'x');
  return composed([x], () => mul(x, affine(clamp(affine(x, 1, 3), 0, 6), 1 / 6, 0)));
}
registerComposite({ name: 'hardswish', builtFrom: ['affine', 'clamp', 'mul'], method: true, options: HARDSWISH });

// torch.nn.functional.selu's constants, from Klambauer et al. (2017).
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** SELU: scale * elu(x, alpha) with the self-normalising constants. */
export function selu(x: Tensor, ...none: []): Tensor {
  SELU.fromArguments(none);
  requireTensor('selu', x, 'x');
  requireFloat32('selu', x, 'x');
  return composed([x], () => mul(elu(x, SELU_ALPHA), SELU_SCALE));
}
registerComposite({ name: 'selu', builtFrom: ['elu', 'affine'], method: true, options: SELU });

/**
 * torch.nn.functional.prelu: x where x > 0, weight * x elsewhere. weight is 1-D, of one slope
 * for every element or one per channel (dim 1 of x, as torch), broadcast over the other dims.
 */
export function prelu(x: Tensor, weight: Tensor, ...none: []): Tensor {
  const op = 'prelu';
  PRELU.fromArguments(none);
  requireTensor(op, x, 'x');
  requireTensor(op, weight, 'weight');
  requireFloat32(op, x, 'x');
  requireFloat32(op, weight, 'weight');
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  if (weight.ndim !== 1 || (weight.shape[0] !== 1 && weight.shape[0] !== channels)) {
    throw new ShapeError(
      `${op}: weight ${formatShape(weight.shape)} must be 1-D of size 1 or of the ${channels} channels (dim 1) of x ${formatShape(x.shape)}`,
    );
  }
  return composed([x, weight], () => {
    const perChannel = weight.shape[0] === 1 ? reshape(weight, []) : reshape(weight, [channels, ...x.shape.slice(2).map(() => 1)]);
    return where(gt(x, 0), x, mul(x, perChannel));
  });
}
registerComposite({ name: 'prelu', builtFrom: ['gt', 'mul', 'where'], options: PRELU });
