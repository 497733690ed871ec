// The pieces of the packed SGEMM that other kernels reuse (gemm.ts drives them over whole
// matrices; attention.ts over the tiles of one head): packing of op(A) and op(B) into zero-padded
// strips, the register-tiled micro-kernel, and the finishing of its tiles into C.

export const MR = 4;
export const NR = 8;
// KC x NR floats of B (8 or 16 KiB) stay in L1 while the A strips of a block stream past them. An
// element's sum runs over K in blocks of at most KC whose bounds depend on K alone. The relaxed
// flavour's 5x8 kernel (gemm_kernel_5x8.ts) ran 1-2% faster with 512 than with 256, and every
// K block past the first reads and writes C once more.
export const KC = ASC_FEATURE_RELAXED_SIMD ? 512 : 256;

@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// dst is (kc, width): a strip whose lane l at depth k is at src + (l*laneStride + k*depthStride)
// elements, for lanes below `count`, and zero beyond: the ragged edge of a matrix, either operand,
// either orientation. Returns the end of dst.
export function packEdgeStrip(src: usize, laneStride: i32, depthStride: i32, count: i32, width: i32, kc: i32, dst: usize): usize {
  for (let k = 0; k < kc; k++) {
    for (let l = 0; l < width; l++) {
      const v: f32 = l < count ? load<f32>(src + ((<usize>l * laneStride + <usize>k * depthStride) << 2)) : 0;
      store<f32>(dst + (<usize>l << 2), v);
    }
    dst += <usize>width << 2;
  }
  return dst;
}

// dst is (kc, width): the strip of `width` rows (a multiple of 4, each K long, rows `ld` apart)
// read as columns: op(B) = Bᵀ in a linear layer's x·Wᵀ, or A as it is. Four depths at a time, as
// 4x4 transposes in registers: the strided scalar gathers of packEdgeStrip made this the slow
// half of every x·Wᵀ, and A's four scalar loads and stores per depth a tenth of a 256^3 product.
function packRowsAsColumns(src: usize, ld: i32, width: i32, kc: i32, dst: usize): usize {
  const row = <usize>ld << 2;
  let k = 0;
  for (; k + 4 <= kc; k += 4) {
    let at = src + (<usize>k << 2);
    for (let g = 0; g < width; g += 4) {
      transpose4Into(v128.load(at), v128.load(at + row), v128.load(at + 2 * row), v128.load(at + 3 * row), dst + (<usize>g << 2), width);
      at += 4 * row;
    }
    dst += <usize>(4 * width) << 2;
  }
  return packEdgeStrip(src + (<usize>k << 2), ld, 1, width, width, kc - k, dst);
}

// Stores column i of the 4x4 block with rows r0..r3 at dst + i*width floats.
@inline export function transpose4Into(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, width: i32): void {
  const lo01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), lo23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const hi01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), hi23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  const step = <usize>width << 2;
  v128.store(dst, v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5));
  v128.store(dst + step, v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7));
  v128.store(dst + 2 * step, v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5));
  v128.store(dst + 3 * step, v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7));
}

// dst is (ceil(nc/NR), kc, NR): strips of op(B)[k0:k0+kc, j0:j0+nc], zero-padded to NR columns.
export function packB(b: usize, ldb: i32, transB: bool, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    const j = j0 + jp;
    if (!transB && cols == NR) {
      let src = b + ((<usize>k0 * ldb + j) << 2);
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += <usize>ldb << 2;
        dst += NR * 4;
      }
      continue;
    }
    if (transB && cols == NR) {
      dst = packRowsAsColumns(b + ((<usize>j * ldb + k0) << 2), ldb, NR, kc, dst);
      continue;
    }
    const corner = b + ((transB ? <usize>j * ldb + k0 : <usize>k0 * ldb + j) << 2);
    dst = packEdgeStrip(corner, transB ? ldb : 1, transB ? 1 : ldb, cols, NR, kc, dst);
  }
}

// dst is (ceil(mc/MR), kc, MR): strips of op(A)[i0:i0+mc, k0:k0+kc], zero-padded to MR rows.
export function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    dst = packAStrip(a, lda, transA, i0 + ip, min(MR, mc - ip), k0, kc, dst);
  }
}

// dst is (kc, MR): op(A)[i:i+rows, k0:k0+kc] as one strip, zero-padded to MR rows. Returns the end of dst.
export function packAStrip(a: usize, lda: i32, transA: bool, i: i32, rows: i32, k0: i32, kc: i32, dst: usize): usize {
  if (transA && rows == MR) {
    let src = a + ((<usize>k0 * lda + i) << 2);
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src));
      src += <usize>lda << 2;
      dst += MR * 4;
    }
    return dst;
  }
  if (!transA && rows == MR) return packRowsAsColumns(a + ((<usize>i * lda + k0) << 2), lda, MR, kc, dst);
  return packEdgeStrip(aCorner(a, lda, transA, i, k0), transA ? 1 : lda, transA ? lda : 1, rows, MR, kc, dst);
}

/** Where op(A)[i, k0] is. */
@inline export function aCorner(a: usize, lda: i32, transA: bool, i: i32, k0: i32): usize {
  return a + ((transA ? <usize>k0 * lda + i : <usize>i * lda + k0) << 2);
}

/**
 * One output value from its partial sum `acc` over a K block. The first block scales the old C by
 * beta (never reading it when beta is 0, so C may hold garbage); later blocks add to what earlier
 * ones stored; the last adds the bias.
 */
@inline function finishScalar(acc: f32, c: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: f32): void {
  let v = alpha * acc;
  if (!first) v = load<f32>(c) + v;
  else if (beta != 0) v = v + beta * load<f32>(c);
  if (last) v = v + bias;
  store<f32>(c, v);
}

/** `finishScalar` on four lanes with the same IEEE operations. */
@inline function finishLanes(acc: v128, c: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: usize, j: i32): void {
  let v = f32x4.mul(f32x4.splat(alpha), acc);
  if (!first) v = f32x4.add(v128.load(c), v);
  else if (beta != 0) v = f32x4.add(v, f32x4.mul(f32x4.splat(beta), v128.load(c)));
  if (last) v = f32x4.add(v, bias != 0 ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0));
  v128.store(c, v);
}

// a is (kc, MR) packed, b is (kc, NR) packed: the (MR, NR) product a^T b. A full tile is finished
// from the registers into c (row stride ldc, first column j): for small K that store is a large
// part of the work, so it must not go through memory twice. An edge tile (full = false) is left in
// `tile` (MR, NR) for the caller to finish element by element.
// Eight accumulators, two B vectors, the four splats of A and a product fit the 15 xmm registers
// V8 gives wasm on x64 (V8 issues a depth's loads first). The splats of A are four broadcast loads
// (`broadcastLoads`) or one v128 load and four shuffles: the same values either way, so the same
// bits. On an AMD Zen 4 in Node 20 the broadcasts ran the whole GEMM 15-20% faster (the shuffles
// share pipes with the multiplies and adds); in Deno and Bun, which bounds-check every load in
// software (Deno 2 enables no wasm trap handler, denoland/deno#35658), they ran it 10-15% slower.
// Always inlined: called, V8 neither unrolls the depth loop nor keeps A's offsets out of it.
@inline export function gemm_4x8_simd(
  kc: i32, a: usize, b: usize, broadcastLoads: bool, full: bool, c: usize, ldc: i32, j: i32, tile: usize,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = a + (<usize>kc * MR << 2);
  // Two loops rather than a test in one: V8 does not move the test out of the loop.
  if (broadcastLoads) {
    // Two depths a trip, with the exit test between them. Left to unroll the one-depth loop
    // itself, V8 ran this kernel at 76% of the mul+add ceiling on L1-resident panels (AMD Zen 4,
    // Node 20), this way at 80%; the whole GEMM went from 75-77% to 78-81%. The same operations
    // in the same order: the same bits.
    while (a < end) {
      let b0 = v128.load(b), b1 = v128.load(b, 16);
      let a0 = v128.load32_splat(a), a1 = v128.load32_splat(a, 4), a2 = v128.load32_splat(a, 8), a3 = v128.load32_splat(a, 12);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      if (a + MR * 4 >= end) break;
      b0 = v128.load(b, 32); b1 = v128.load(b, 48);
      a0 = v128.load32_splat(a, 16); a1 = v128.load32_splat(a, 20); a2 = v128.load32_splat(a, 24); a3 = v128.load32_splat(a, 28);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      a += 2 * MR * 4, b += 2 * NR * 4;
    }
  } else {
    while (a < end) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      const column = v128.load(a);
      const a0 = i32x4.shuffle(column, column, 0, 0, 0, 0), a1 = i32x4.shuffle(column, column, 1, 1, 1, 1);
      const a2 = i32x4.shuffle(column, column, 2, 2, 2, 2), a3 = i32x4.shuffle(column, column, 3, 3, 3, 3);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      a += MR * 4, b += NR * 4;
    }
  }
  finishRows4(c00, c01, c10, c11, c20, c21, c30, c31, full, c, ldc, j, tile, alpha, beta, first, last, bias);
}

/**
 * Rows 0-3 of a register tile, two accumulators a row: finished into c (row stride ldc, columns
 * from j) when the tile is full, else kept in `tile` (rows, NR) for storeEdgeTile.
 */
@inline export function finishRows4(
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
  full: bool, c: usize, ldc: i32, j: i32, tile: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  if (full) {
    finishRow(c00, c01, c, ldc, 0, j, alpha, beta, first, last, bias);
    finishRow(c10, c11, c, ldc, 1, j, alpha, beta, first, last, bias);
    finishRow(c20, c21, c, ldc, 2, j, alpha, beta, first, last, bias);
    finishRow(c30, c31, c, ldc, 3, j, alpha, beta, first, last, bias);
    return;
  }
  keepRow(c00, c01, tile, 0);
  keepRow(c10, c11, tile, 1);
  keepRow(c20, c21, tile, 2);
  keepRow(c30, c31, tile, 3);
}

/** Row r of a full register tile, its two accumulators, finished into c. */
@inline export function finishRow(
  lo: v128, hi: v128, c: usize, ldc: i32, r: i32, j: i32, alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  const at = c + ((<usize>r * ldc) << 2);
  finishLanes(lo, at, alpha, beta, first, last, bias, j);
  finishLanes(hi, at + 16, alpha, beta, first, last, bias, j + 4);
}

/** Row r of an edge tile's accumulators, kept in `tile`. */
@inline export function keepRow(lo: v128, hi: v128, tile: usize, r: i32): void {
  v128.store(tile + (<usize>r * NR << 2), lo);
  v128.store(tile + (<usize>r * NR << 2), hi, 16);
}

// tile is (rows, NR) or more from an edge tile; c is the (rows, cols) corner of the output at row stride ldc, column j.
export function storeEdgeTile(
  tile: usize, c: usize, ldc: i32, rows: i32, cols: i32, j: i32,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>(j + q) << 2)) : 0;
      const acc = load<f32>(tile + ((<usize>r * NR + q) << 2));
      finishScalar(acc, c + ((<usize>r * ldc + q) << 2), alpha, beta, first, last, b);
    }
  }
}
