// Layer normalisation as a function, composed from primitives so its gradient comes for free.
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { registerComposite } from '../autograd/registry.js';
import { add, mul, sub } from './arithmetic.js';
import { mean } from './reduce.js';
import { rsqrt, square } from './unary.js';
import { defineOptions } from '../options.js';

interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Default 1e-5. */
  eps?: number;
}
const LAYER_NORM = defineOptions<LayerNormOptions>('layerNorm', { weight: 'tensor|null', bias: 'tensor|null', eps: 'number' });

/** (x - mean) / sqrt(var + eps) over `dims`, with the biased variance. */
function standardize(x: Tensor, dims: number[], eps: number): Tensor {
  const centered = sub(x, mean(x, dims, true));
  const variance = mean(square(centered), dims, true);
  return mul(centered, rsqrt(add(variance, eps)));
}

/**
 * torch.nn.functional.layer_norm: normalise over the last dims, given as `normalizedShape`;
 * weight, bias and eps come by position or as one options object (layerNorm(x, [4], { eps })).
 */
export function layerNorm(
  x: Tensor, normalizedShape: readonly number[],
  ...args: [weight?: Tensor | null, bias?: Tensor | null, eps?: number] | [LayerNormOptions]
): Tensor {
  const parsed = LAYER_NORM.fromArguments(args);
  const [weight, bias, eps] = [parsed.weight ?? undefined, parsed.bias ?? undefined, parsed.eps ?? 1e-5];
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(`layerNorm: input ${formatShape(x.shape)} does not end in normalizedShape ${formatShape(normalizedShape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t !== undefined && (t.ndim !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new ShapeError(`layerNorm: ${name} ${formatShape(t.shape)} must have shape ${formatShape(normalizedShape)}`);
    }
  }
  if (typeof eps !== 'number' || !(eps >= 0 && eps < Infinity)) {
    throw new ArgumentError(`layerNorm: eps must be a finite number >= 0, got ${String(eps)}`);
  }
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  let y = standardize(x, dims, eps);
  if (weight !== undefined) y = mul(y, weight);
  if (bias !== undefined) y = add(y, bias);
  return y;
}

registerComposite({
  name: 'layerNorm', builtFrom: ['mean', 'sub', 'square', 'affine', 'rsqrt', 'mul', 'add'], onnx: ['LayerNormalization'], options: LAYER_NORM,
});
