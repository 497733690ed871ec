// Differentiable nearest-neighbour upsampling by integer factors (bindings/kernels/upsample.ts).
import { registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { requireTensor, withContiguous } from '../kernels/operands.js';
import type { Pair } from '../kernels/spatial.js';
import { upsampleNearestBackward, upsampleNearestForward } from '../kernels/upsample.js';
import type { Tensor } from '../tensor.js';
import { defineOptions, PAIR } from '../options.js';

const UPSAMPLE_NEAREST = defineOptions<{ scaleFactor?: Pair }>('upsampleNearest', { scaleFactor: PAIR }, ['scaleFactor']);

interface UpsampleAttrs {
  scaleFactor: Pair;
}

registerKernel<UpsampleAttrs>({
  name: 'upsampleNearest',
  simd: true,
  threaded: true,
  options: UPSAMPLE_NEAREST,
  forward: ([x], { scaleFactor }) => withContiguous([x], ([xc]) => upsampleNearestForward(xc, scaleFactor)),
});
registerGradient<UpsampleAttrs>({
  name: 'upsampleNearest',
  // every input pixel was copied to a sh x sw block: its gradient is the block's sum
  backward: (dy, { attrs: { scaleFactor } }) => [withContiguous([dy], ([g]) => upsampleNearestBackward(g, scaleFactor))],
});

/**
 * torch.nn.functional.interpolate(x, scale_factor, mode='nearest') for whole-number factors:
 * x (N, C, H, W) to (N, C, H*sh, W*sw), scaleFactor a number or [sh, sw].
 */
export function upsampleNearest(x: Tensor, ...args: [scaleFactor: Pair] | [{ scaleFactor: Pair }]): Tensor {
  const { scaleFactor } = UPSAMPLE_NEAREST.fromArguments(args);
  requireTensor('upsampleNearest', x, 'x');
  return runOp('upsampleNearest', [x], { scaleFactor: scaleFactor! });
}
