// The weight gradient of a 3x3 stride-1 convolution with few input channels, directly
// (assembly/conv_weight_grad_3x3.ts): each thread stages the input planes in turn, zero-padded,
// and sums its output channels' products with them; no columns, no channel-first copies.
import { empty } from '../creation.js';
import { engine } from '../runtime/engine.js';
import { convWeightGrad3x3Task, type ConvWeightGrad3x3Args } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import type { KernelChoice } from './operands.js';

/** The convolution dy (N, OC, OH, OW) came from: x (N, C, H, W), stride 1, padding pt/pl at the top/left. */
export type ConvWeightGrad3x3Geometry = Pick<ConvWeightGrad3x3Args, 'N' | 'C' | 'OC' | 'H' | 'W' | 'OH' | 'OW' | 'pt' | 'pl'>;

// Multiply-adds per unit of dispatch work: a vector multiply-add per four, as the GEMM's (gemm.ts).
const MACS_PER_WORK = 7;

/**
 * dw (OC, C, 3, 3) = the weight gradient of that convolution given dy. `kernel` 'reference' runs
 * the scalar yardstick, bit-equal to the SIMD kernel.
 */
export function convWeightGrad3x3(g: ConvWeightGrad3x3Geometry, x: Tensor, dy: Tensor, dw: Tensor, kernel: KernelChoice = 'simd'): void {
  const stage = (g.OH + 2) * (((g.OW + 3) & ~3) + 2);
  const scratch = empty([engine().threads * stage]);
  const acc = empty([g.OC * g.C * 9 * 4]);
  try {
    convWeightGrad3x3Task(kernel === 'simd' ? 'conv_weight_grad_3x3' : 'conv_weight_grad_3x3_reference', {
      ...g, x: x.ptr(), dy: dy.ptr(), dw: dw.ptr(), acc: acc.ptr(), scratch: scratch.ptr(), scratchStride: 4 * stage,
    }, (g.N * g.OC * g.C * g.OH * g.OW * 9) / MACS_PER_WORK);
  } finally {
    scratch.dispose();
    acc.dispose();
  }
}
