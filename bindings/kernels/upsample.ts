// Nearest-neighbour upsampling of NCHW float32 by integer factors (assembly/upsample.ts), as
// torch.nn.functional.interpolate(mode='nearest') with an integer scale_factor, and its backward.
import { empty } from '../creation.js';
import { formatShape, ShapeError } from '../errors.js';
import { upsampleTask } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import { kernelChoice, taskFor, type KernelChoice } from './operands.js';
import { checkTensor, pair, type Pair } from './spatial.js';

function run(task: 'upsample_nearest' | 'upsample_nearest_backward', x: Tensor, y: Tensor, scale: [number, number], kernel: KernelChoice): void {
  const [N, C, H, W] = x.shape;
  upsampleTask(taskFor(task, kernel), { x: x.ptr(), y: y.ptr(), P: N * C, H, W, SH: scale[0], SW: scale[1] }, y.size);
}

/** y (N, C, H*sh, W*sw) with y[n, c, i, j] = x[n, c, i / sh, j / sw]. */
export function upsampleNearestForward(x: Tensor, scaleFactor: Pair, kernel?: KernelChoice): Tensor {
  const op = 'upsampleNearest';
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  const scale = pair(op, 'scaleFactor', scaleFactor, 1);
  const [N, C, H, W] = x.shape;
  const y = empty([N, C, H * scale[0], W * scale[1]]);
  run('upsample_nearest', x, y, scale, kernelChoice(op, kernel));
  return y;
}

/** dx (N, C, OH/sh, OW/sw): each element sums its sh x sw block of dy. */
export function upsampleNearestBackward(dy: Tensor, scaleFactor: Pair, kernel?: KernelChoice): Tensor {
  const op = 'upsampleNearest backward';
  checkTensor(op, 'dy', dy, 4, '4-D (N, C, OH, OW)');
  const scale = pair(op, 'scaleFactor', scaleFactor, 1);
  const [N, C, OH, OW] = dy.shape;
  if (OH % scale[0] !== 0 || OW % scale[1] !== 0) {
    throw new ShapeError(`${op}: dy ${formatShape(dy.shape)} is not a whole number of ${scale[0]}x${scale[1]} blocks`);
  }
  const dx = empty([N, C, OH / scale[0], OW / scale[1]]);
  run('upsample_nearest_backward', dx, dy, scale, kernelChoice(op, kernel));
  return dx;
}
