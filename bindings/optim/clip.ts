import { ArgumentError } from '../errors.js';
import { reduce } from '../kernels/reduce.js';
import { unary } from '../kernels/elementwise.js';
import { keep } from '../lifetime.js';
import type { Tensor } from '../tensor.js';
import { defineOptions } from '../options.js';

const CLIP_GRAD_NORM = defineOptions<{ maxNorm?: number }>('clipGradNorm', { maxNorm: 'number' }, ['maxNorm']);

/**
 * Scales all gradients together so that their joint L2 norm is at most maxNorm, as
 * torch.nn.utils.clip_grad_norm_. Returns the norm before clipping. Per-tensor sums of squares
 * are added in parameter order, so the result does not depend on the thread count.
 */
export function clipGradNorm(params: Iterable<Tensor>, ...args: [maxNorm: number] | [{ maxNorm: number }]): number {
  const maxNorm = CLIP_GRAD_NORM.fromArguments(args).maxNorm!;
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const withGrad = [...params].filter((p) => p.grad !== null);
  let total = 0;
  for (const p of withGrad) {
    const s = reduce('sumsq', p.grad!, [...p.grad!.shape.keys()], false);
    total += s.item();
    s.dispose();
  }
  const norm = Math.sqrt(total);
  const factor = maxNorm / (norm + 1e-6);
  if (factor < 1) {
    for (const p of withGrad) {
      const scaled = unary('affine', p.grad!, { a: factor, b: 0 });
      p.grad!.dispose();
      p.grad = keep(scaled);
    }
  }
  return norm;
}
