// Softmax and log-softmax along a dim, each with its fused backward kernel.
import { logSoftmax as logSoftmaxKernel, logSoftmaxBackward, softmax as softmaxKernel, softmaxBackward } from '../kernels/softmax.js';
import { expectFloat, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import { normDim } from './views.js';
import { defineOptions } from '../options.js';

interface SoftmaxOptions {
  /** Default -1, the last. */
  dim?: number;
}

const FORMS = [
  // y = softmax(x): dx = y * (dy - sum(dy * y))
  {
    name: 'softmax', onnx: 'Softmax', forward: softmaxKernel, backward: softmaxBackward,
    options: defineOptions<SoftmaxOptions>('softmax', { dim: 'number' }),
  },
  // y = log_softmax(x): dx = dy - exp(y) * sum(dy)
  {
    name: 'logSoftmax', onnx: 'LogSoftmax', forward: logSoftmaxKernel, backward: logSoftmaxBackward,
    options: defineOptions<SoftmaxOptions>('logSoftmax', { dim: 'number' }),
  },
] as const;

for (const form of FORMS) {
  registerKernel<{ dim: number }>({
    name: form.name,
    simd: true,
    threaded: true,
    onnx: [form.onnx],
    method: true,
    options: form.options,
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

const along = (form: (typeof FORMS)[number]) => (x: Tensor, ...args: [dim?: number] | [SoftmaxOptions]): Tensor => {
  const { dim = -1 } = form.options.fromArguments(args);
  return runOp(form.name, [x], { dim: normDim(form.name, dim, x.ndim) });
};

export const softmax = along(FORMS[0]);
export const logSoftmax = along(FORMS[1]);
