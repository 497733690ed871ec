// Differentiable 2-D convolution and transposed convolution over the im2col + GEMM kernels of
// bindings/kernels/conv.ts. The bias is an optional third input; each backward asks the kernel
// only for the gradients some input requires.
import { registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import {
  conv2dBackward, conv2dForward, convTranspose2dBackward, convTranspose2dForward,
  type Conv2dOptions, type ConvGrads, type ConvTranspose2dOptions,
} from '../kernels/conv.js';
import { requireTensor, withContiguous } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { defineOptions, PADDING, PAIR } from '../options.js';

export type { Conv2dOptions, ConvTranspose2dOptions } from '../kernels/conv.js';

/** The gradients in input order (x, weight, bias?), as backward wants them. */
function inOrder(grads: ConvGrads, hasBias: boolean): (Tensor | null)[] {
  return hasBias ? [grads.dx, grads.dw, grads.db] : [grads.dx, grads.dw];
}

/** x, weight and the bias when there is one, each checked to be a live Tensor. */
function operands(op: string, x: Tensor, w: Tensor, b: Tensor | null | undefined): Tensor[] {
  const list = [requireTensor(op, x, 'x'), requireTensor(op, w, 'weight')];
  if (b !== undefined && b !== null) list.push(requireTensor(op, b, 'bias'));
  return list;
}

export const CONV2D = defineOptions<Conv2dOptions>('conv2d', {
  stride: PAIR, padding: `${PADDING}|'same'|'valid'`, dilation: PAIR, groups: 'number',
});

registerKernel<Conv2dOptions>({
  name: 'conv2d',
  simd: true,
  threaded: true,
  onnx: ['Conv'],
  options: CONV2D,
  forward: (inputs, opts) => withContiguous(inputs, ([x, w, b]) => conv2dForward(x, w, b, opts)),
});
registerGradient<Conv2dOptions>({
  name: 'conv2d',
  // dx = col2im(W^T dy), dW = sum over the batch of dy cols(x)^T, db = dy summed per channel
  backward: (dy, { inputs: [x, w, b], attrs }) => {
    const needs = { input: x.requiresGrad, weight: w.requiresGrad, bias: b?.requiresGrad === true };
    const grads = withContiguous([dy, x, w], ([g, xc, wc]) => conv2dBackward(g, xc, wc, attrs, needs));
    return inOrder(grads, b !== undefined);
  },
});

/**
 * torch.nn.functional.conv2d: x (N, C, H, W), weight (OC, C/groups, kH, kW), bias (OC) or none.
 * stride, padding and dilation take a number or [h, w]; padding also 'same', 'valid' or
 * [top, left, bottom, right].
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv2dOptions, ...none: []): Tensor {
  return runOp('conv2d', operands('conv2d', x, weight, bias), { ...CONV2D.parseLast(opts, none) });
}

export const CONV_TRANSPOSE2D = defineOptions<ConvTranspose2dOptions>('convTranspose2d', {
  stride: PAIR, padding: PADDING, outputPadding: PAIR, dilation: PAIR, groups: 'number',
});

registerKernel<ConvTranspose2dOptions>({
  name: 'convTranspose2d',
  simd: true,
  threaded: true,
  onnx: ['ConvTranspose'],
  options: CONV_TRANSPOSE2D,
  forward: (inputs, opts) => withContiguous(inputs, ([x, w, b]) => convTranspose2dForward(x, w, b, opts)),
});
registerGradient<ConvTranspose2dOptions>({
  name: 'convTranspose2d',
  // the adjoint of conv2d: dx = conv2d(dy, W), dW from the same column products with x and dy swapped
  backward: (dy, { inputs: [x, w, b], attrs }) => {
    const needs = { input: x.requiresGrad, weight: w.requiresGrad, bias: b?.requiresGrad === true };
    const grads = withContiguous([dy, x, w], ([g, xc, wc]) => convTranspose2dBackward(g, xc, wc, attrs, needs));
    return inOrder(grads, b !== undefined);
  },
});

/**
 * torch.nn.functional.conv_transpose2d: x (N, C, H, W), weight (C, OC/groups, kH, kW), bias (OC)
 * or none. The output is (H-1)*stride - paddings + dilation*(k-1) + outputPadding + 1 high (and wide).
 */
export function convTranspose2d(
  x: Tensor, weight: Tensor, bias?: Tensor | null, opts?: ConvTranspose2dOptions, ...none: []
): Tensor {
  return runOp('convTranspose2d', operands('convTranspose2d', x, weight, bias), { ...CONV_TRANSPOSE2D.parseLast(opts, none) });
}
