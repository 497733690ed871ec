// Softmax and log-softmax along a dim, each with its fused backward kernel.
import { logSoftmax as logSoftmaxKernel, logSoftmaxBackward, softmax as softmaxKernel, softmaxBackward } from '../kernels/softmax.js';
import { expectFloat, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import { normDim } from './views.js';

registerKernel<{ dim: number }>({
  name: 'softmax',
  simd: true,
  threaded: true,
  onnx: ['Softmax'],
  forward: ([x], { dim }) => {
    expectFloat('softmax', x);
    return softmaxKernel(x, dim);
  },
});
registerGradient<{ dim: number }>({
  name: 'softmax',
  // y = softmax(x): dx = y * (dy - sum(dy * y))
  backward: (dy, { output, attrs: { dim } }) => [softmaxBackward(output, dy, dim)],
});

registerKernel<{ dim: number }>({
  name: 'logSoftmax',
  simd: true,
  threaded: true,
  onnx: ['LogSoftmax'],
  forward: ([x], { dim }) => {
    expectFloat('logSoftmax', x);
    return logSoftmaxKernel(x, dim);
  },
});
registerGradient<{ dim: number }>({
  name: 'logSoftmax',
  // y = log_softmax(x): dx = dy - exp(y) * sum(dy)
  backward: (dy, { output, attrs: { dim } }) => [logSoftmaxBackward(output, dy, dim)],
});

export const softmax = (x: Tensor, dim = -1): Tensor => runOp('softmax', [x], { dim: normDim('softmax', dim, x.ndim) });
export const logSoftmax = (x: Tensor, dim = -1): Tensor =>
  runOp('logSoftmax', [x], { dim: normDim('logSoftmax', dim, x.ndim) });
