// SGEMM: C = act(alpha * op(A) * op(B) + beta * C + bias), op = identity or transpose, batched.
//
// The GotoBLAS/BLIS scheme: a KC x NC panel of op(B) is packed into NR-wide column strips, an
// MC x KC block of op(A) into MR-high row strips, and a register-blocked micro-kernel multiplies
// one A strip by one B strip. Threads split the output (batch and rows, or columns when there are
// few rows), never K. An element's sum runs over K in fixed KC blocks (their bounds depend only
// on K) and every tile, edge tiles included, goes through the same micro-kernel over zero-padded
// strips: so each element is computed by the same operations whatever the thread count.
import { argF32, argI32, argPtr, splitStart } from './args';
import { activate, activateCheapLanes, hasLaneForm, ACT_NONE } from './gemm_epilogue';

const MR = 4;
const NR = 8;
// KC x NR floats of B (8 KiB) stay in L1 while the A strips of an MC x KC block (96 KiB, in L2)
// stream past them; the KC x NC panel of B (1 MiB) lives in L2/L3.
const KC = 256;
const MC = 96;
const NC = 1024;

const PACK_A_BYTES = MC * KC * 4;
const PACK_B_BYTES = KC * NC * 4;
const TILE_BYTES = MR * NR * 4;

/** Bytes of packing space each thread needs; the TypeScript side allocates threads x this. */
export const GEMM_WORKSPACE_BYTES: i32 = PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;

// The argument block shared by gemm_task and gemm_reference_task (bindings/kernels/gemm.ts).
const ARG_A = 0; // A is (batch) x (M,K), or (K,M) when transposed; element strides lda, strideA
const ARG_B = 1; // B is (batch) x (K,N), or (N,K) when transposed; element strides ldb, strideB
const ARG_C = 2; // C is (batch) x (M,N); element strides ldc, strideC
const ARG_M = 3;
const ARG_N = 4;
const ARG_K = 5;
const ARG_LDA = 6;
const ARG_LDB = 7;
const ARG_LDC = 8;
const ARG_TRANS_A = 9;
const ARG_TRANS_B = 10;
const ARG_ALPHA = 11;
const ARG_BETA = 12;
const ARG_BIAS = 13; // bias is (N), or 0 for none
const ARG_ACT = 14;
const ARG_SLOPE = 15;
const ARG_BATCH = 16;
const ARG_STRIDE_A = 17; // 0 broadcasts one A over the batch; likewise B
const ARG_STRIDE_B = 18;
const ARG_STRIDE_C = 19;
const ARG_WORKSPACE = 20; // nthreads x ARG_WORKSPACE_STRIDE bytes
const ARG_WORKSPACE_STRIDE = 21;

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// dst is (kc, width): a strip whose lane l at depth k is at src + (l*laneStride + k*depthStride)
// elements, for lanes below `count`, and zero beyond: the ragged edge of a matrix, either operand,
// either orientation. Returns the end of dst.
function packEdgeStrip(src: usize, laneStride: i32, depthStride: i32, count: i32, width: i32, kc: i32, dst: usize): usize {
  for (let k = 0; k < kc; k++) {
    for (let l = 0; l < width; l++) {
      const v: f32 = l < count ? load<f32>(src + ((<usize>l * laneStride + <usize>k * depthStride) << 2)) : 0;
      store<f32>(dst + (<usize>l << 2), v);
    }
    dst += <usize>width << 2;
  }
  return dst;
}

// dst is (ceil(nc/NR), kc, NR): strips of op(B)[k0:k0+kc, j0:j0+nc], zero-padded to NR columns.
function packB(b: usize, ldb: i32, transB: bool, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
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
    const corner = b + ((transB ? <usize>j * ldb + k0 : <usize>k0 * ldb + j) << 2);
    dst = packEdgeStrip(corner, transB ? ldb : 1, transB ? 1 : ldb, cols, NR, kc, dst);
  }
}

// dst is (ceil(mc/MR), kc, MR): strips of op(A)[i0:i0+mc, k0:k0+kc], zero-padded to MR rows.
function packA(a: usize, lda: i32, transA: bool, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const i = i0 + ip;
    if (transA && rows == MR) {
      let src = a + ((<usize>k0 * lda + i) << 2);
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        src += <usize>lda << 2;
        dst += MR * 4;
      }
      continue;
    }
    if (!transA && rows == MR) {
      const r0 = a + ((<usize>i * lda + k0) << 2);
      const step = <usize>lda << 2;
      for (let k = 0; k < kc; k++) {
        const at = r0 + (<usize>k << 2);
        store<f32>(dst, load<f32>(at));
        store<f32>(dst, load<f32>(at + step), 4);
        store<f32>(dst, load<f32>(at + 2 * step), 8);
        store<f32>(dst, load<f32>(at + 3 * step), 12);
        dst += MR * 4;
      }
      continue;
    }
    const corner = a + ((transA ? <usize>k0 * lda + i : <usize>i * lda + k0) << 2);
    dst = packEdgeStrip(corner, transA ? 1 : lda, transA ? lda : 1, rows, MR, kc, dst);
  }
}

/**
 * One output value from its partial sum `acc` over a K block. The first block scales the old C by
 * beta (never reading it when beta is 0, so C may hold garbage); later blocks add to what earlier
 * ones stored; the last adds the bias and applies the activation.
 */
@inline function finishScalar(
  acc: f32, c: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: f32, act: i32, slope: f32,
): void {
  let v = alpha * acc;
  if (!first) v = load<f32>(c) + v;
  else if (beta != 0) v = v + beta * load<f32>(c);
  if (last) v = activate(v + bias, act, slope);
  store<f32>(c, v);
}

/** `finishScalar` on four lanes with the same IEEE operations; cheap activations stay in lanes. */
@inline function finishLanes(
  acc: v128, c: usize, alpha: f32, beta: f32, first: bool, last: bool, bias: usize, j: i32, act: i32, slope: f32,
): void {
  let v = f32x4.mul(f32x4.splat(alpha), acc);
  if (!first) v = f32x4.add(v128.load(c), v);
  else if (beta != 0) v = f32x4.add(v, f32x4.mul(f32x4.splat(beta), v128.load(c)));
  if (last) {
    v = f32x4.add(v, bias != 0 ? v128.load(bias + (<usize>j << 2)) : f32x4.splat(0));
    if (hasLaneForm(act)) v = activateCheapLanes(v, act, slope);
  }
  v128.store(c, v);
  if (last && act != ACT_NONE && !hasLaneForm(act)) {
    for (let l = 0; l < 4; l++) {
      const at = c + (<usize>l << 2);
      store<f32>(at, activate(load<f32>(at), act, slope));
    }
  }
}

// a is (kc, MR) packed, b is (kc, NR) packed: the (MR, NR) product a^T b. A full tile is finished
// from the registers into c (row stride ldc, first column j): for small K that store is a large
// part of the work, so it must not go through memory twice. An edge tile (full = false) is left in
// `tile` (MR, NR) for the caller to finish element by element.
// Eight accumulators plus two B vectors and one A splat fit V8's 16 xmm registers without spills.
function gemm_4x8_simd(
  kc: i32, a: usize, b: usize, full: bool, c: usize, ldc: i32, j: i32, tile: usize,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize, act: i32, slope: f32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    a += MR * 4;
    b += NR * 4;
  }
  if (full) {
    const row = <usize>ldc << 2;
    finishLanes(c00, c, alpha, beta, first, last, bias, j, act, slope);
    finishLanes(c01, c + 16, alpha, beta, first, last, bias, j + 4, act, slope);
    finishLanes(c10, c + row, alpha, beta, first, last, bias, j, act, slope);
    finishLanes(c11, c + row + 16, alpha, beta, first, last, bias, j + 4, act, slope);
    finishLanes(c20, c + 2 * row, alpha, beta, first, last, bias, j, act, slope);
    finishLanes(c21, c + 2 * row + 16, alpha, beta, first, last, bias, j + 4, act, slope);
    finishLanes(c30, c + 3 * row, alpha, beta, first, last, bias, j, act, slope);
    finishLanes(c31, c + 3 * row + 16, alpha, beta, first, last, bias, j + 4, act, slope);
    return;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
}

// tile is (MR, NR) from an edge tile; c is the (rows, cols) corner of the output at row stride ldc, column j.
function storeEdgeTile(
  tile: usize, c: usize, ldc: i32, rows: i32, cols: i32, j: i32,
  alpha: f32, beta: f32, first: bool, last: bool, bias: usize, act: i32, slope: f32,
): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>(j + q) << 2)) : 0;
      const acc = load<f32>(tile + ((<usize>r * NR + q) << 2));
      finishScalar(acc, c + ((<usize>r * ldc + q) << 2), alpha, beta, first, last, b, act, slope);
    }
  }
}

/** Rows [i0, i1) x columns [j0, j1) of one matrix of the batch, blocked and packed. */
function gemmRegion(args: usize, a: usize, b: usize, c: usize, i0: i32, i1: i32, j0: i32, j1: i32, work: usize): void {
  const K = argI32(args, ARG_K);
  const lda = argI32(args, ARG_LDA);
  const ldb = argI32(args, ARG_LDB);
  const ldc = argI32(args, ARG_LDC);
  const transA = argI32(args, ARG_TRANS_A) != 0;
  const transB = argI32(args, ARG_TRANS_B) != 0;
  const alpha = argF32(args, ARG_ALPHA);
  const beta = argF32(args, ARG_BETA);
  const bias = argPtr(args, ARG_BIAS);
  const act = argI32(args, ARG_ACT);
  const slope = argF32(args, ARG_SLOPE);
  const packedA = work;
  const packedB = work + PACK_A_BYTES;
  const tile = packedB + PACK_B_BYTES;
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
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(a, lda, transA, ic, mc, k0, kc, packedA);
        for (let jp = 0; jp < nc; jp += NR) {
          const stripB = packedB + (<usize>jp * kc << 2);
          for (let ip = 0; ip < mc; ip += MR) {
            const out = c + ((<usize>(ic + ip) * ldc + jc + jp) << 2);
            const rows = min(MR, mc - ip), cols = min(NR, nc - jp);
            const full = rows == MR && cols == NR;
            gemm_4x8_simd(kc, packedA + (<usize>ip * kc << 2), stripB, full, out, ldc, jc + jp, tile,
              alpha, beta, first, last, bias, act, slope);
            if (!full) storeEdgeTile(tile, out, ldc, rows, cols, jc + jp, alpha, beta, first, last, bias, act, slope);
          }
        }
      }
    }
  }
}

export function gemm_task(args: usize, tid: i32, nthreads: i32): void {
  const M = argI32(args, ARG_M);
  const N = argI32(args, ARG_N);
  const batch = argI32(args, ARG_BATCH);
  const strideA = <usize>argI32(args, ARG_STRIDE_A) << 2;
  const strideB = <usize>argI32(args, ARG_STRIDE_B) << 2;
  const strideC = <usize>argI32(args, ARG_STRIDE_C) << 2;
  const work = argPtr(args, ARG_WORKSPACE) + <usize>tid * argI32(args, ARG_WORKSPACE_STRIDE);
  // Units of work: MR-row strips over the whole batch, or NR-column strips of one product. A thread
  // packs all of op(B) for its rows, or all of op(A) for its columns: columns when there are too
  // few row strips to keep every thread busy, or when op(A) is the smaller to pack twice.
  const rowStrips = (M + MR - 1) / MR;
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
      argPtr(args, ARG_A) + <usize>bi * strideA,
      argPtr(args, ARG_B) + <usize>bi * strideB,
      argPtr(args, ARG_C) + <usize>bi * strideC,
      s0 * MR, min(M, s1 * MR), j0, j1, work);
    u += s1 - s0;
  }
}

// The plain triple loop the tests hold gemm_task to: same arguments, sums in K order.
export function gemm_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const M = argI32(args, ARG_M);
  const N = argI32(args, ARG_N);
  const K = argI32(args, ARG_K);
  const lda = argI32(args, ARG_LDA);
  const ldb = argI32(args, ARG_LDB);
  const ldc = argI32(args, ARG_LDC);
  const transA = argI32(args, ARG_TRANS_A) != 0;
  const transB = argI32(args, ARG_TRANS_B) != 0;
  const alpha = argF32(args, ARG_ALPHA);
  const beta = argF32(args, ARG_BETA);
  const bias = argPtr(args, ARG_BIAS);
  const act = argI32(args, ARG_ACT);
  const slope = argF32(args, ARG_SLOPE);
  const rows = argI32(args, ARG_BATCH) * M;
  const start = splitStart(rows, tid, nthreads);
  const end = splitStart(rows, tid + 1, nthreads);
  for (let row = start; row < end; row++) {
    const bi = row / M;
    const i = row - bi * M;
    const a = argPtr(args, ARG_A) + ((<usize>bi * argI32(args, ARG_STRIDE_A)) << 2);
    const b = argPtr(args, ARG_B) + ((<usize>bi * argI32(args, ARG_STRIDE_B)) << 2);
    const c = argPtr(args, ARG_C) + ((<usize>bi * argI32(args, ARG_STRIDE_C)) << 2);
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
      store<f32>(out, activate(v + bj, act, slope));
    }
  }
}
