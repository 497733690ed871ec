// The weight gradient of a 3x3 stride-1 convolution by Winograd F(3x3, 2x2)
// (assembly/winograd_weight_grad.ts): dy's 2x2 tiles and the 4x4 input tiles under them are
// transformed, 16 products (one per position of the transformed tile) sum over every tile of the
// batch, and the weights task turns the 16 sums of each filter back into its 3x3 gradient:
//   u[xi] (OC, T) = transformed dy tiles, v[xi] (C, T) = transformed input tiles (the forward's),
//   m[xi] (OC, C) = sum over chunks of u[xi] @ v[xi]ᵀ,  dw = weights transform of m.
// 2.25x fewer multiplies than dy @ im2col's columnsᵀ; the sums differ from it by rounding only.
import { empty } from '../creation.js';
import { engine } from '../runtime/engine.js';
import { winogradTask, winogradWeightGradTask, type WinogradWeightGradArgs } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import { runGemm } from './gemm.js';
import type { KernelChoice } from './operands.js';
import { stageFloats, tileChunk, type WinogradGeometry } from './winograd.js';

/**
 * dw (OC, C, 3, 3) = the gradient of the convolution y = conv(x, w) of geometry `g` given dy, the
 * gradient of y. The batch is summed in chunks of images in ascending order, each chunk's product
 * adding onto the last, so the sum's order depends on the shape alone. `kernel` 'reference' runs
 * the scalar transforms (bit-equal to the SIMD ones); the products always use the SIMD GEMM.
 */
export function winogradWeightGrad(g: WinogradGeometry, x: Tensor, dy: Tensor, dw: Tensor, kernel: KernelChoice = 'simd'): void {
  const { N, C, OC, H, W, OH, OW } = g;
  const tilesH = (OH + 1) >> 1, tilesW = (OW + 1) >> 1;
  const perImage = tilesH * tilesW;
  const chunk = tileChunk(N, C + OC, perImage);
  const stage = stageFloats(tilesH, tilesW);
  const u = empty([16, OC, chunk * perImage]);
  const v = empty([16, C, chunk * perImage]);
  const m = empty([16, OC, C]);
  const scratch = empty([engine().threads * stage]);
  const suffix = kernel === 'simd' ? '' : '_reference';
  try {
    const args = (count: number, n0: number): WinogradWeightGradArgs => ({
      dy: dy.ptr() + 4 * n0 * OC * OH * OW, u: u.ptr(), m: m.ptr(), dw: dw.ptr(), N: count, C, OC, OH, OW, tilesH, tilesW,
    });
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const count = Math.min(chunk, N - n0);
      const T = count * perImage;
      winogradTask(`winograd_f2k3_input${suffix}`, {
        ...g, N: count, x: x.ptr() + 4 * n0 * C * H * W, w: 0, u: 0, v: v.ptr(), m: 0, y: 0, bias: 0, tilesH, tilesW,
        scratch: scratch.ptr(), scratchStride: 4 * stage,
      }, 16 * C * T);
      winogradWeightGradTask(`winograd_f3k2_gradient${suffix}`, args(count, n0), 16 * OC * T);
      runGemm({
        a: { ptr: u.ptr(), ld: T, trans: false }, b: { ptr: v.ptr(), ld: T, trans: true }, c: { ptr: m.ptr(), ld: C, trans: false },
        M: OC, N: C, K: T, batch: 16, strideA: OC * T, strideB: C * T, strideC: OC * C, alpha: 1, beta: n0 > 0 ? 1 : 0, bias: 0,
      });
    }
    winogradWeightGradTask('winograd_f3k2_weights', args(0, 0), 16 * OC * C);
  } finally {
    u.dispose();
    v.dispose();
    m.dispose();
    scratch.dispose();
  }
}
