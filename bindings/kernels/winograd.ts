// 3x3 stride-1 convolutions by Winograd F(2x2, 3x3) (assembly/winograd.ts): the filters and the
// input tiles are transformed, 16 products (one per position of the 4x4 transformed tile) sum over
// the input channels, and the output transform turns each product tile back into 2x2 outputs:
//   u[xi] (OC, C) = transformed filters, v[xi] (C, T) = transformed input tiles,
//   m[xi] (OC, T) = u[xi] @ v[xi],  y = output transform of m (+ bias).
// 2.25x fewer multiplies than im2col + GEMM; the sums differ from im2col's by rounding only.
// The input gradient of such a convolution is one too, of dy with the weight turned by 180 degrees
// and its channel axes swapped (filters 'adjoint'), padded by 2 - the forward's padding.
import { empty } from '../creation.js';
import { engine } from '../runtime/engine.js';
import { winogradTask, type WinogradArgs } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import { runGemm } from './gemm.js';
import type { KernelChoice } from './operands.js';

/** The convolution y (N, OC, OH, OW) = conv(x (N, C, H, W), w (OC, C, 3, 3)), stride 1, padding pt/pl at the top/left. */
export type WinogradGeometry = Pick<WinogradArgs, 'N' | 'C' | 'OC' | 'H' | 'W' | 'OH' | 'OW' | 'pt' | 'pl'>;

/**
 * How the filters are read: 'forward' w is (OC, C, 3, 3); 'adjoint' w is (C, OC, 3, 3), the weight
 * of the convolution whose input gradient this convolution is, each filter turned by 180 degrees.
 */
export type WinogradFilters = 'forward' | 'adjoint';

// The transformed tiles and products of at most this many floats (8 MiB) exist at once; a batch
// is done in chunks of images. Smaller than im2col's budget: m is written by the GEMM and read
// back by the output transform, and the less of it there is, the more of it is still in cache.
export const TILE_BUDGET = 1 << 21;

/** Images per chunk when each has `perImage` tiles and `channels` transformed planes of them live. */
export const tileChunk = (N: number, channels: number, perImage: number): number =>
  Math.max(1, Math.min(N, Math.floor(TILE_BUDGET / (16 * channels * perImage))));

/** Floats of each thread's stage for the input transform: one zero-padded input plane. */
export const stageFloats = (tilesH: number, tilesW: number): number => (2 * tilesH + 2) * (2 * tilesW + 10);

/**
 * y = conv(x, w) + bias by F(2x2, 3x3). `kernel` 'reference' runs the scalar transforms (the
 * tests' yardstick; bit-equal to the SIMD ones); the products always use the SIMD GEMM.
 */
export function winogradConv2d(
  g: WinogradGeometry, x: Tensor, w: Tensor, bias: Tensor | null, y: Tensor, kernel: KernelChoice = 'simd', filters: WinogradFilters = 'forward',
): void {
  const { N, C, OC, OH, OW } = g;
  const tilesH = (OH + 1) >> 1, tilesW = (OW + 1) >> 1;
  const perImage = tilesH * tilesW;
  const chunk = tileChunk(N, C + OC, perImage);
  const stage = stageFloats(tilesH, tilesW);
  const u = empty([16, OC, C]);
  const v = empty([16, C, chunk * perImage]);
  // Four floats of room past the end: the output task loads whole vectors at a row's last tiles.
  const m = empty([16 * OC * chunk * perImage + 4]);
  const scratch = empty([engine().threads * stage]);
  const suffix = kernel === 'simd' ? '' : '_reference';
  try {
    const args = (n0: number, count: number): WinogradArgs => ({
      ...g, N: count, x: x.ptr() + 4 * n0 * C * g.H * g.W, w: w.ptr(), u: u.ptr(), v: v.ptr(), m: m.ptr(),
      y: y.ptr() + 4 * n0 * OC * OH * OW, bias: bias === null ? 0 : bias.ptr(), tilesH, tilesW,
      scratch: scratch.ptr(), scratchStride: 4 * stage,
    });
    winogradTask(filters === 'forward' ? 'winograd_f2k3_filter' : 'winograd_f2k3_filter_adjoint', args(0, 0), 16 * OC * C);
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const count = Math.min(chunk, N - n0);
      const T = count * perImage;
      winogradTask(`winograd_f2k3_input${suffix}`, args(n0, count), 16 * C * T);
      runGemm({
        a: { ptr: u.ptr(), ld: C, trans: false }, b: { ptr: v.ptr(), ld: T, trans: false }, c: { ptr: m.ptr(), ld: T, trans: false },
        M: OC, N: T, K: C, batch: 16, strideA: OC * C, strideB: C * T, strideC: OC * T, alpha: 1, beta: 0, bias: 0,
      });
      winogradTask(`winograd_f2k3_output${suffix}`, args(n0, count), 16 * OC * T);
    }
  } finally {
    u.dispose();
    v.dispose();
    m.dispose();
    scratch.dispose();
  }
}
