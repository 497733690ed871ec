// ELU, composed from primitives (their gradients make its own). It lives apart from unary.ts
// because it is built from arithmetic and comparisons, which themselves use unary functions.
import { registerComposite } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import { affine, mul } from './arithmetic.js';
import { gt, where } from './compare.js';
import { clamp, exp } from './unary.js';
import { defineOptions } from '../options.js';

interface EluOptions {
  alpha?: number;
}
const ELU = defineOptions<EluOptions>('elu', { alpha: 'number' });

/** ELU: x for x > 0, alpha * (exp(x) - 1) otherwise. Composed, with exp's input clamped to <= 0 so the unused branch never overflows. */
export function elu(x: Tensor, ...args: [alpha?: number] | [EluOptions]): Tensor {
  const { alpha = 1 } = ELU.fromArguments(args);
  const negative = mul(affine(exp(clamp(x, -Infinity, 0)), 1, -1), alpha);
  return where(gt(x, 0), x, negative);
}
registerComposite({ name: 'elu', builtFrom: ['clamp', 'exp', 'affine', 'gt', 'where'], onnx: ['Elu'], method: true, options: ELU });
