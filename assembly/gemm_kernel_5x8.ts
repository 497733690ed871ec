// The relaxed flavour's register tile: 5 rows of op(A) by 8 columns of op(B), ten f32x4
// accumulators. relaxed_madd needs no product register, and with a fused multiply-add of 4 cycles'
// latency at two a cycle, the 4x8 tile's eight chains leave the pipes no slack: on an AMD Zen 4
// in Node 20 it ran at 90-92% of the fused ceiling on L1-resident panels, this tile at 94-95%.
import { finishRow, finishRows4, keepRow, madd, NR } from './gemm_kernel';

/** Rows of this tile: the height of the A strips gemm.ts packs for it. */
export const TALL_MR = 5;

// a is (kc, 5) packed, b is (kc, NR) packed: the (5, NR) product a^T b, finished into c (row stride
// ldc, first column j) when `full`, else left in `tile` (5, NR) for storeEdgeTile.
// Rows 0-3 of A are splatted by shuffles of one v128 load and row 4 by a broadcast load. V8 issues
// a depth's loads before its arithmetic but each shuffle just before its use: five broadcast loads
// would hold 10 accumulators + 2 B vectors + 5 splats = 17 values in 15 xmm registers and spill
// (the depth loop then ran at 40% of the ceiling); this way 15 are live at most. Always inlined, as
// gemm_4x8_simd is, so V8 unrolls the depth loop.
@inline export function gemm_5x8_relaxed_simd(
  kc: i32, a: usize, b: usize, full: bool, c: usize, ldc: i32, j: i32, tile: usize,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero;
  const end = a + (<usize>kc * TALL_MR << 2);
  while (a < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const column = v128.load(a);
    const a4 = v128.load32_splat(a, 16);
    const a0 = i32x4.shuffle(column, column, 0, 0, 0, 0);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = i32x4.shuffle(column, column, 1, 1, 1, 1);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = i32x4.shuffle(column, column, 2, 2, 2, 2);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = i32x4.shuffle(column, column, 3, 3, 3, 3);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
    a += TALL_MR * 4, b += NR * 4;
  }
  finishRows4(c00, c01, c10, c11, c20, c21, c30, c31, full, c, ldc, j, tile, alpha, beta, first, last, bias);
  if (full) finishRow(c40, c41, c, ldc, 4, j, alpha, beta, first, last, bias);
  else keepRow(c40, c41, tile, 4);
}
