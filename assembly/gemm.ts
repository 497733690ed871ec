// SGEMM: C = alpha * op(A) * op(B) + beta * C + bias, op = identity or transpose, batched.
//
// The GotoBLAS/BLIS scheme: a KC x NC panel of op(B) is packed into NR-wide column strips, an
// MC x KC block of op(A) into row strips (4 high; the relaxed flavour's mostly 5), and a
// register-blocked micro-kernel multiplies one A strip by one B strip. Threads split the output
// (batch and rows, or columns when there are few rows), never K. An element's sum runs over K in
// fixed KC blocks (their bounds depend only on K) and every tile, edge tiles included, goes through
// a micro-kernel over zero-padded strips that does the same operations on each of its elements,
// whichever tile it is: so each element is computed the same way whatever the thread count.
import { GemmArgs } from './generated/args';
import { splitStart } from './split';
import { gemm_4x8_simd, KC, MR, NR, packAStrip, packB, storeEdgeTile } from './gemm_kernel';
import { gemm_5x8_relaxed_simd, packTallStrip, TALL_MR, tallPitch } from './gemm_kernel_5x8';

// The MC x KC block of A (96 or 200 KiB) lives in L2 while the B strips stream past it; the
// KC x NC panel of B (1 or 2 MiB) lives in L2/L3. The relaxed flavour's MC is a multiple of 5
// and of 4, so only a matrix's last block needs strips of 4.
export const MC = ASC_FEATURE_RELAXED_SIMD ? 100 : 96;
const NC = 1024;
// A packed B panel at most this large is walked a row strip of A at a time (see panelRows).
const ROWS_OUTER_PANEL_BYTES: usize = 256 << 10;
// Rows per unit of work and per strip of A: the height of the widest tile the flavour has.
const ROW_UNIT = ASC_FEATURE_RELAXED_SIMD ? TALL_MR : MR;

const PACK_A_BYTES = MC * KC * 4;
const PACK_B_BYTES = KC * NC * 4;
const TILE_BYTES = ROW_UNIT * NR * 4;

/** Bytes of packing space each thread needs; the TypeScript side allocates threads x this. */
export const GEMM_WORKSPACE_BYTES: i32 = PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;

/**
 * Rows of a block of mc that go in strips of 5 (the relaxed flavour's 5x8 tile); the rest go in
 * strips of 4. Every mc of 12 or more (and 4, 5, 8, 9, 10) splits into 5s and 4s with no ragged
 * strip, whose padded rows would be work thrown away; the others end in one ragged strip of 4. An
 * element's operations are the same in either tile, so the split changes no bits.
 */
@inline function tallRows(mc: i32): i32 {
  if (!ASC_FEATURE_RELAXED_SIMD) return 0;
  const fours = (4 * mc) % TALL_MR;
  return 4 * fours <= mc ? mc - 4 * fours : mc - mc % TALL_MR;
}

/** Whether the strip ip rows into a block is one of 5; false at compile time in the plain flavours. */
@inline function isTall(ip: i32, tall: i32): bool {
  return ASC_FEATURE_RELAXED_SIMD && ip < tall;
}

/** Floats a row of a packed A strip takes: kc, rounded up to whole groups where tall strips have them. */
@inline function aPitch(kc: i32): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? tallPitch(kc) : kc;
}

/** Rows of the strip ip rows into a block (padded rows included): where the next strip starts. */
@inline function stripHeight(ip: i32, tall: i32): i32 {
  return isTall(ip, tall) ? TALL_MR : MR;
}

/**
 * Rows [i0, i1) of one (kc, nc) panel of packed op(B), from column jc and depth k0: blocks of A
 * packed in turn, each multiplied by every B strip into C, finished as `first` and `last` say.
 */
@inline function panelRows(
  a: usize, lda: i32, transA: bool, broadcastLoads: bool, c: usize, ldc: i32, i0: i32, i1: i32, jc: i32, nc: i32,
  k0: i32, kc: i32, packedA: usize, packedB: usize, tile: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  for (let ic = i0; ic < i1; ic += MC) {
    const mc = min(MC, i1 - ic);
    const tall = tallRows(mc);
    for (let ip = 0; ip < mc; ip += stripHeight(ip, tall)) {
      const strip = packedA + (<usize>ip * aPitch(kc) << 2);
      if (isTall(ip, tall)) packTallStrip(a, lda, transA, ic + ip, k0, kc, strip);
      else packAStrip(a, lda, transA, ic + ip, min(MR, mc - ip), k0, kc, strip);
    }
    // Column strips outer keeps one B strip in L1 while the A strips stream past it from L2, but
    // writes C a few rows of each tile's column at a time, down the whole block: where C is not
    // in cache (a batch of products, a large output) every tile then waits on its lines. With a
    // shallow panel the A strip is short work per tile and that wait dominates (a 64x32x1323
    // product, 16 in a batch: 20 GFLOP/s); rows outer writes C row by row, in streams the
    // prefetcher follows (35 GFLOP/s), and reads each B strip from L2, where a panel this small stays.
    if (<usize>kc * nc * 4 <= ROWS_OUTER_PANEL_BYTES) {
      for (let ip = 0; ip < mc; ip += stripHeight(ip, tall)) {
        for (let jp = 0; jp < nc; jp += NR) {
          multiplyTile(ip, jp, mc, nc, ic, jc, tall, kc, broadcastLoads, c, ldc, packedA, packedB, tile, alpha, beta, first, last, bias);
        }
      }
    } else {
      for (let jp = 0; jp < nc; jp += NR) {
        for (let ip = 0; ip < mc; ip += stripHeight(ip, tall)) {
          multiplyTile(ip, jp, mc, nc, ic, jc, tall, kc, broadcastLoads, c, ldc, packedA, packedB, tile, alpha, beta, first, last, bias);
        }
      }
    }
  }
}

/** The tile of strip ip of the packed A block by strip jp of the packed B panel, finished into C. */
@inline function multiplyTile(
  ip: i32, jp: i32, mc: i32, nc: i32, ic: i32, jc: i32, tall: i32, kc: i32, broadcastLoads: bool, c: usize, ldc: i32,
  packedA: usize, packedB: usize, tile: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: usize,
): void {
  // A's strip ip rows in is ip*aPitch(kc) floats in; B's strips sit one after another, (kc, NR) each.
  const stripA = packedA + (<usize>ip * aPitch(kc) << 2);
  const stripB = packedB + (<usize>jp * kc << 2);
  const cols = min(NR, nc - jp);
  const out = c + ((<usize>(ic + ip) * ldc + jc + jp) << 2);
  if (isTall(ip, tall)) {
    gemm_5x8_relaxed_simd(kc, stripA, stripB, cols == NR, out, ldc, jc + jp, tile, alpha, beta, first, last, bias);
    if (cols < NR) storeEdgeTile(tile, out, ldc, TALL_MR, cols, jc + jp, alpha, beta, first, last, bias);
    return;
  }
  const rows = min(MR, mc - ip);
  const full = rows == MR && cols == NR;
  gemm_4x8_simd(kc, stripA, stripB, broadcastLoads, full, out, ldc, jc + jp, tile, alpha, beta, first, last, bias);
  if (!full) storeEdgeTile(tile, out, ldc, rows, cols, jc + jp, alpha, beta, first, last, bias);
}

/** Rows [i0, i1) x columns [j0, j1) of one matrix of the batch, blocked and packed. */
function gemmRegion(args: GemmArgs, a: usize, b: usize, c: usize, i0: i32, i1: i32, j0: i32, j1: i32, work: usize): void {
  const K = args.K, lda = args.lda, ldb = args.ldb, ldc = args.ldc, transA = args.transA, transB = args.transB;
  const alpha = args.alpha, beta = args.beta, bias = args.bias, broadcastLoads = args.broadcastLoads;
  const packedA = work;
  const packedB = work + PACK_A_BYTES;
  const tile = packedB + PACK_B_BYTES;
  // A plain product (alpha 1, beta 0, no bias), the usual one, gets copies of the loops whose
  // finishing has no tests left in it: 1% of a 256^3 product in the relaxed flavour.
  const plain = alpha == 1 && beta == 0 && bias == 0;
  // Even K blocks whose bounds depend on K alone; at least one, so K = 0 still applies beta and bias.
  const kBlocks = max(1, (K + KC - 1) / KC);
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let kb = 0; kb < kBlocks; kb++) {
      const k0 = splitStart(K, kb, kBlocks);
      const kc = splitStart(K, kb + 1, kBlocks) - k0;
      const first = kb == 0;
      const last = kb == kBlocks - 1;
      packB(b, ldb, transB, k0, kc, jc, nc, packedB);
      if (plain && first && last) {
        panelRows(a, lda, transA, broadcastLoads, c, ldc, i0, i1, jc, nc, k0, kc, packedA, packedB, tile, 1, 0, true, true, 0);
      } else if (plain && first) {
        panelRows(a, lda, transA, broadcastLoads, c, ldc, i0, i1, jc, nc, k0, kc, packedA, packedB, tile, 1, 0, true, false, 0);
      } else if (plain) {
        panelRows(a, lda, transA, broadcastLoads, c, ldc, i0, i1, jc, nc, k0, kc, packedA, packedB, tile, 1, 0, false, last, 0);
      } else {
        panelRows(a, lda, transA, broadcastLoads, c, ldc, i0, i1, jc, nc, k0, kc, packedA, packedB, tile, alpha, beta, first, last, bias);
      }
    }
  }
}

export function gemm_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<GemmArgs>(words);
  const M = args.M, N = args.N, batch = args.batch;
  const strideA = <usize>args.strideA << 2;
  const strideB = <usize>args.strideB << 2;
  const strideC = <usize>args.strideC << 2;
  const work = args.workspace + <usize>tid * args.workspaceStride;
  // Units of work: ROW_UNIT-row strips over the whole batch, or NR-column strips of one product. A thread
  // packs all of op(B) for its rows, or all of op(A) for its columns: columns when there are too
  // few row strips to keep every thread busy, or when op(A) is the smaller to pack twice.
  const rowStrips = (M + ROW_UNIT - 1) / ROW_UNIT;
  const colStrips = (N + NR - 1) / NR;
  const units = batch * rowStrips;
  const byColumns = units < 2 * nthreads || (batch == 1 && N > M && colStrips >= 2 * nthreads);
  let u0 = 0, u1 = units, j0 = 0, j1 = N;
  if (!byColumns) {
    u0 = splitStart(units, tid, nthreads);
    u1 = splitStart(units, tid + 1, nthreads);
  } else {
    j0 = splitStart(colStrips, tid, nthreads) * NR;
    j1 = min(N, splitStart(colStrips, tid + 1, nthreads) * NR);
  }
  if (j0 >= j1) return;
  let u = u0;
  while (u < u1) {
    const bi = u / rowStrips;
    const s0 = u - bi * rowStrips;
    const s1 = min(rowStrips, s0 + (u1 - u));
    gemmRegion(args,
      args.a + <usize>bi * strideA,
      args.b + <usize>bi * strideB,
      args.c + <usize>bi * strideC,
      s0 * ROW_UNIT, min(M, s1 * ROW_UNIT), j0, j1, work);
    u += s1 - s0;
  }
}

// The plain triple loop the tests hold gemm_task to: same arguments, sums in K order.
export function gemm_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<GemmArgs>(words);
  const M = args.M, N = args.N, K = args.K, lda = args.lda, ldb = args.ldb, ldc = args.ldc;
  const transA = args.transA, transB = args.transB, alpha = args.alpha, beta = args.beta, bias = args.bias;
  const rows = args.batch * M;
  const start = splitStart(rows, tid, nthreads);
  const end = splitStart(rows, tid + 1, nthreads);
  for (let row = start; row < end; row++) {
    const bi = row / M;
    const i = row - bi * M;
    const a = args.a + ((<usize>bi * args.strideA) << 2);
    const b = args.b + ((<usize>bi * args.strideB) << 2);
    const c = args.c + ((<usize>bi * args.strideC) << 2);
    for (let j = 0; j < N; j++) {
      let sum: f32 = 0;
      for (let k = 0; k < K; k++) {
        const x = load<f32>(a + ((transA ? <usize>k * lda + i : <usize>i * lda + k) << 2));
        const y = load<f32>(b + ((transB ? <usize>j * ldb + k : <usize>k * ldb + j) << 2));
        sum += x * y;
      }
      const out = c + ((<usize>i * ldc + j) << 2);
      const bj: f32 = bias != 0 ? load<f32>(bias + (<usize>j << 2)) : 0;
      let v = alpha * sum;
      if (beta != 0) v = v + beta * load<f32>(out);
      store<f32>(out, v + bj);
    }
  }
}
