// The relaxed flavour's register tile: 5 rows of op(A) by 8 columns of op(B), ten f32x4
// accumulators. relaxed_madd needs no product register, and with a fused multiply-add of 4 cycles'
// latency at two a cycle, the 4x8 tile's eight chains leave the pipes no slack: on an AMD Zen 4
// in Node 20 it ran at 90-92% of the fused ceiling on L1-resident panels, this tile at 97-99%.
import { aCorner, finishRow, finishRows4, keepRow, madd, NR, packEdgeStrip, transpose4Into } from './gemm_kernel';

/** Rows of this tile: the height of the A strips gemm.ts packs for it. */
export const TALL_MR = 5;

// dst is (kc, 5): op(A)[i:i+5, k0:k0+kc], all five rows in the matrix, as one strip. Returns the end of dst.
export function packTallStrip(a: usize, lda: i32, transA: bool, i: i32, k0: i32, kc: i32, dst: usize): usize {
  let src = aCorner(a, lda, transA, i, k0);
  const ld = <usize>lda << 2;
  let k = 0;
  if (transA) {
    for (; k < kc; k++) {
      v128.store(dst, v128.load(src));
      store<f32>(dst, load<f32>(src, 16), 16);
      src += ld;
      dst += TALL_MR * 4;
    }
    return dst;
  }
  // Four depths at a time: rows 0-3 by a 4x4 transpose, row 4 lane by lane, in straight lines.
  // Through packRowsAsColumns' loops over groups of rows it took twice as long: 5% of a
  // 256x784x128 product, whose A is packed once for every 128 columns.
  for (; k + 4 <= kc; k += 4) {
    const row4 = v128.load(src + 4 * ld);
    transpose4Into(v128.load(src), v128.load(src + ld), v128.load(src + 2 * ld), v128.load(src + 3 * ld), dst, TALL_MR);
    v128.store32_lane(dst, row4, 0, 16);
    v128.store32_lane(dst, row4, 1, 36);
    v128.store32_lane(dst, row4, 2, 56);
    v128.store32_lane(dst, row4, 3, 76);
    src += 16;
    dst += 4 * TALL_MR * 4;
  }
  return packEdgeStrip(src, lda, 1, TALL_MR, TALL_MR, kc - k, dst);
}

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
