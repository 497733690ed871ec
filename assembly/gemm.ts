// SGEMM: C = act(alpha * op(A) * op(B) + beta * C + bias), op = identity or transpose, batched.
//
// The GotoBLAS/BLIS scheme: a KC x NC panel of op(B) is packed into NR-wide column strips, an
// MC x KC block of op(A) into MR-high row strips, and a register-blocked micro-kernel multiplies
// one A strip by one B strip. Threads split the output (batch and rows, or columns when there are
// few rows), never K. An element's sum runs over K in fixed KC blocks (their bounds depend only
// on K) and every tile, edge tiles included, goes through the same micro-kernel over zero-padded
// strips: so each element is computed by the same operations whatever the thread count.
import { argF32, argI32, argPtr, splitStart } from './args';
import { activate } from './gemm_epilogue';
import { gemm_4x8_simd, KC, MR, NR, packA, packB, storeEdgeTile } from './gemm_kernel';

// The MC x KC block of A (96 KiB) lives in L2 while the B strips stream past it; the KC x NC
// panel of B (1 MiB) lives in L2/L3.
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
