// Softmax and log-softmax along a dim, each with its fused backward kernel.
import { logSoftmax as logSoftmaxKernel, logSoftmaxBackward, softmax as softmaxKernel, softmaxBackward } from '../kernels/softmax.js';
import { expectFloat, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import { normDim } from './views.js';

const FORMS = [
  // y = softmax(x): dx = y * (dy - sum(dy * y))
  { name: 'softmax', onnx: 'Softmax', forward: softmaxKernel, backward: softmaxBackward },
  // y = log_softmax(x): dx = dy - exp(y) * sum(dy)
  { name: 'logSoftmax', onnx: 'LogSoftmax', forward: logSoftmaxKernel, backward: logSoftmaxBackward },
] as const;

for (const form of FORMS) {
  registerKernel<{ dim: number }>({
    name: form.name,
    simd: true,
    threaded: true,
    onnx: [form.onnx],
    method: true,
    forward: ([x], { dim }) => {
      expectFloat(form.name, x);
      return form.forward(x, dim);
    },
  });
  registerGradient<{ dim: number }>({
    name: form.name,
    backward: (dy, { output, attrs: { dim } }) => [form.backward(output, dy, dim)],
  });
}

export const softmax = (x: Tensor, dim = -1): Tensor => runOp('softmax', [x], { dim: normDim('softmax', dim, x.ndim) });
export const logSoftmax = (x: Tensor, dim = -1): Tensor =>
  runOp('logSoftmax', [x], { dim: normDim('logSoftmax', dim, x.ndim) });
