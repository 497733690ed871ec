// The relaxed flavour's register tile: 5 rows of op(A) by 8 columns of op(B), ten f32x4
// accumulators. relaxed_madd needs no product register, and with a fused multiply-add of 4 cycles'
// latency at two a cycle, the 4x8 tile's eight chains leave the pipes no slack: on an AMD Zen 4
// in Node 20 it ran at 90-92% of the fused ceiling on L1-resident panels, this tile at 97-99%.
import { aCorner, finishRow, finishRows4, keepRow, madd, NR, transpose4Into } from './gemm_kernel';

/** Rows of this tile: the height of the A strips gemm.ts packs for it. */
export const TALL_MR = 5;

/** Depths a group of a tall strip holds. */
const GROUP = 4;
/** Where row 4's depths start in a group: after rows 0-3, a v128 a depth. */
const ROW4_AT = GROUP * 16;
const GROUP_BYTES = GROUP * TALL_MR * 4;

/** Floats a tall strip of depth kc takes, per row: its depth rounded up to whole groups. */
@inline export function tallPitch(kc: i32): i32 {
  return (kc + GROUP - 1) & -GROUP;
}

// dst is (ceil(kc/4), 5, 4): op(A)[i:i+5, k0:k0+kc], all five rows in the matrix, as one strip in
// groups of four depths: rows 0-3 depth by depth (a v128 a depth), then row 4's four depths (one
// v128). A last group of kc % 4 depths leaves lanes that are never read. A group is a 4x4
// transpose and a copy, every store aligned. Depth by depth (5 floats each), row 4 took four lane
// stores and the v128s sat 20 bytes apart, some across cache lines: packing a 255x784 A took
// 25 us against 20, and a 256x784x128 product ran at 91.7% of the fused ceiling against 93.0%.
export function packTallStrip(a: usize, lda: i32, transA: bool, i: i32, k0: i32, kc: i32, dst: usize): void {
  let src = aCorner(a, lda, transA, i, k0);
  const ld = <usize>lda << 2;
  if (transA) {
    // op(A)'s depth k is row k0 + k of A, where the strip's five values sit side by side.
    for (let k = 0; k < kc; k++) {
      const group = dst + <usize>(k / GROUP) * GROUP_BYTES;
      const depth = k % GROUP;
      v128.store(group + (<usize>depth << 4), v128.load(src));
      store<f32>(group + ROW4_AT + (<usize>depth << 2), load<f32>(src, 16));
      src += ld;
    }
    return;
  }
  let k = 0;
  for (; k + GROUP <= kc; k += GROUP) {
    transpose4Into(v128.load(src), v128.load(src + ld), v128.load(src + 2 * ld), v128.load(src + 3 * ld), dst, GROUP);
    v128.store(dst, v128.load(src + 4 * ld), ROW4_AT);
    src += GROUP * 4;
    dst += GROUP_BYTES;
  }
  for (let depth = 0; k < kc; k++, depth++) {
    for (let r = 0; r < TALL_MR; r++) {
      const at = r < 4 ? (depth << 4) + (r << 2) : ROW4_AT + (depth << 2);
      store<f32>(dst + <usize>at, load<f32>(src + <usize>r * ld));
    }
    src += 4;
  }
}

// a is a tall strip (packTallStrip) of depth kc, b is (kc, NR) packed: the (5, NR) product a^T b,
// finished into c (row stride ldc, first column j) when `full`, else left in `tile` (5, NR) for
// storeEdgeTile.
// Rows 0-3 of A are splatted by shuffles of one v128 load and row 4 by a broadcast load. V8 issues
// a depth's loads before its arithmetic but each shuffle just before its use: five broadcast loads
// would hold 10 accumulators + 2 B vectors + 5 splats = 17 values in 15 xmm registers and spill
// (the depth loop then ran at 40% of the ceiling); this way 15 are live at most. The loop steps one
// depth at a time, across a group's end by the test on `depth`: four depths in one step would be
// one basic block, whose loads V8 would all issue first. Always inlined, as gemm_4x8_simd is, so
// V8 unrolls the depth loop.
@inline export function gemm_5x8_relaxed_simd(
  kc: i32, a: usize, b: usize, full: bool, c: usize, ldc: i32, j: i32, tile: usize,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero;
  const end = b + (<usize>kc * NR << 2);
  let row4 = a + ROW4_AT;
  let depth = 0;
  while (b < end) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    const column = v128.load(a);
    const a4 = v128.load32_splat(row4);
    const a0 = i32x4.shuffle(column, column, 0, 0, 0, 0);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = i32x4.shuffle(column, column, 1, 1, 1, 1);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = i32x4.shuffle(column, column, 2, 2, 2, 2);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = i32x4.shuffle(column, column, 3, 3, 3, 3);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
    a += 16, row4 += 4, b += NR * 4;
    if (++depth == GROUP) {
      depth = 0;
      a += GROUP_BYTES - ROW4_AT;
      row4 += GROUP_BYTES - 16;
    }
  }
  finishRows4(c00, c01, c10, c11, c20, c21, c30, c31, full, c, ldc, j, tile, alpha, beta, first, last, bias);
  if (full) finishRow(c40, c41, c, ldc, 4, j, alpha, beta, first, last, bias);
  else keepRow(c40, c41, tile, 4);
}
