// Fused scaled-dot-product attention, FlashAttention style: out = softmax(scale Q K^T + mask) V
// without ever holding a T x S score matrix. A work item is one block of QUERY_BLOCK query rows
// of one head; it walks the keys in tiles of KEY_TILE, and per tile
//   scores^T = scale K_tile Q_blk^T   on the packed GEMM's micro-kernel (gemm_kernel.ts),
//   the online softmax: a running max m and sum l per query, the partial output rescaled by
//     alpha = exp(m_old - m_new) when m grows, and p = exp(s - m_new),
//   acc += P V_tile                     on the same micro-kernel,
// and finally out = acc / l, lse = m + log l, from which the backward (attention_backward.ts)
// recomputes every probability as p = exp(s - lse). Memory: a thread's scratch is a few tiles,
// whatever T and S.
//
// The scores are computed transposed (keys x queries) so that the softmax runs down columns with
// four queries in the lanes of a vector, and writes p straight into the layout the output
// product packs its A operand in (four queries per strip), so P is never packed separately.
// Each score is summed over D exactly as the backward's GEMM sums it (same micro-kernel, same K
// blocks), so the backward recomputes the forward's scores bit for bit.
//
// Masks: key j is visible to query i when keyPaddingMask[b, j] != 0 and, if causal, j <= i
// (PyTorch's top-left alignment). Hidden scores are -Infinity by selection and hidden keys' v rows
// are zeroed in the packed tile, so a hidden key's k and v may hold anything (NaN included). A row
// that sees no key gets out = 0, lse = -Infinity and zero gradients: never NaN.
//
// Determinism: a work item belongs to one thread, and its keys go in ascending tiles whose bounds
// depend only on S, so the bits do not depend on the thread count.
import { AttentionArgs } from './generated/args';
import { keyVisible, lseAt } from './attention_rows';
import { expLanesNonPositive } from './fastmath';
import { gemm_4x8_simd, KC, MR, NR, packA, packB } from './gemm_kernel';

// Queries per work item: the N of the score product (a multiple of NR) and the M of the output one.
const QUERY_BLOCK = 128;
// Keys per tile: the M of the score product (a multiple of MR) and the K of the output one.
const KEY_TILE = 128;

const LANE_INDEX: v128 = i32x4(0, 1, 2, 3);
const SCORE_ROW_BYTES: usize = QUERY_BLOCK * 4;

@inline function roundUp(n: i32, to: i32): i32 {
  return (n + to - 1) / to * to;
}

// A thread's scratch, in this order (every part a multiple of 16 bytes):
//   scores  (KEY_TILE, QUERY_BLOCK)            the tile's scores^T, then masked scores
//   p       (QUERY_BLOCK / MR, KEY_TILE, MR)   packed A of the output product
//   m, l, alpha  (QUERY_BLOCK) each            the running softmax of each query
//   visible (KEY_TILE) i32                     -1 where the padding mask keeps the tile's key
//   q       (QUERY_BLOCK / NR, D, NR)          packed B of the score product, per K block
//   k       (KEY_TILE / MR, min(D, KC), MR)    packed A of the score product, one K block
//   v       (Dv' / NR, KEY_TILE, NR)           packed B of the output product, Dv' = Dv rounded up to NR
//   acc     (QUERY_BLOCK, Dv')                 the unnormalised output
const P_AT: usize = KEY_TILE * SCORE_ROW_BYTES;
const M_AT: usize = P_AT + QUERY_BLOCK * KEY_TILE * 4;
const L_AT: usize = M_AT + QUERY_BLOCK * 4;
const ALPHA_AT: usize = L_AT + QUERY_BLOCK * 4;
const VISIBLE_AT: usize = ALPHA_AT + QUERY_BLOCK * 4;
const Q_AT: usize = VISIBLE_AT + KEY_TILE * 4;

@inline function kAt(D: i32): usize {
  return Q_AT + <usize>QUERY_BLOCK * D * 4;
}

@inline function vAt(D: i32): usize {
  return kAt(D) + <usize>KEY_TILE * min(D, KC) * 4;
}

@inline function accAt(D: i32, Dv: i32): usize {
  return vAt(D) + <usize>KEY_TILE * roundUp(Dv, NR) * 4;
}

/** Bytes of scratch each thread needs for attention_forward_task at head sizes D and Dv. */
export function attention_forward_scratch_bytes(D: i32, Dv: i32): i32 {
  return <i32>accAt(D, Dv) + QUERY_BLOCK * roundUp(Dv, NR) * 4;
}

// scores^T (nk, nq) of the tile at keys j0.. = scale K_tile Q_blk^T, in K blocks as gemm_task
// takes them. Whole micro-tiles are stored: the scratch has room, and packing zero-pads the edges.
function scoreTile(args: AttentionArgs, b: i32, h: i32, j0: i32, nk: i32, nq: i32, work: usize): void {
  const D = args.D;
  const scale = args.scale;
  const k = args.kRow(b, h, j0), ldk = args.kLd;
  const kBlocks = max(1, (D + KC - 1) / KC);
  for (let kb = 0; kb < kBlocks; kb++) {
    const k0 = <i32>((<i64>D * kb) / kBlocks), kc = <i32>((<i64>D * (kb + 1)) / kBlocks) - k0;
    packA(k, ldk, false, 0, nk, k0, kc, work + kAt(D));
    const q = work + Q_AT + (<usize>QUERY_BLOCK * k0 << 2);
    for (let jp = 0; jp < nq; jp += NR) {
      for (let ip = 0; ip < nk; ip += MR) {
        gemm_4x8_simd(kc, work + kAt(D) + (<usize>ip * kc << 2), q + (<usize>jp * kc << 2), args.broadcastLoads, true,
          work + <usize>ip * SCORE_ROW_BYTES + (<usize>jp << 2), QUERY_BLOCK, 0, 0,
          scale, 0, kb == 0, kb == kBlocks - 1, 0);
      }
    }
  }
}

// The online softmax of queries i0 + 4g .. i0 + 4g + 3 (the lanes) over the tile's nk keys at
// j0: masks the scores, updates m and l, leaves alpha for the rescaling of acc, and writes p to
// strip g of the packed P.
function softmaxColumns(args: AttentionArgs, g: i32, i0: i32, j0: i32, nk: i32, anyHidden: bool, work: usize): void {
  const col = work + (<usize>g << 4);
  const iLanes = i32x4.add(i32x4.splat(i0 + 4 * g), LANE_INDEX);
  // Only a tile reaching past the diagonal of these queries hides keys causally.
  const causal = args.causal && j0 + nk - 1 > i0 + 4 * g;
  const negInf = f32x4.splat(-Infinity);
  let mx = negInf;
  if (anyHidden || causal) {
    for (let t = 0; t < nk; t++) {
      const at = col + <usize>t * SCORE_ROW_BYTES;
      let keep = v128.load32_splat(work + VISIBLE_AT + (<usize>t << 2));
      if (causal) keep = v128.and(keep, i32x4.le_s(i32x4.splat(j0 + t), iLanes));
      const s = v128.bitselect(v128.load(at), negInf, keep);
      v128.store(at, s);
      // pmax skips a NaN score; its p below is NaN all the same, and so is the row's out.
      mx = f32x4.pmax(mx, s);
    }
  } else {
    for (let t = 0; t < nk; t++) mx = f32x4.pmax(mx, v128.load(col + <usize>t * SCORE_ROW_BYTES));
  }
  const mAt = work + M_AT + (<usize>g << 4), lAt = work + L_AT + (<usize>g << 4);
  const mOld = v128.load(mAt), mNew = f32x4.pmax(mOld, mx);
  // A query that has seen no key yet keeps m = -Infinity; its p = exp(-Infinity - 0) = 0.
  const shift = v128.andnot(mNew, f32x4.eq(mNew, negInf));
  // alpha is exactly 1 when m did not grow (-Infinity to -Infinity included).
  const alpha = v128.bitselect(f32x4.splat(1), expLanesNonPositive(f32x4.sub(mOld, shift)), f32x4.eq(mOld, mNew));
  let sum = f32x4.splat(0);
  let p = work + P_AT + (<usize>g * nk << 4);
  for (let t = 0; t < nk; t++) {
    const e = expLanesNonPositive(f32x4.sub(v128.load(col + <usize>t * SCORE_ROW_BYTES), shift));
    v128.store(p, e);
    sum = f32x4.add(sum, e);
    p += 16;
  }
  v128.store(mAt, mNew);
  v128.store(lAt, f32x4.add(f32x4.mul(v128.load(lAt), alpha), sum));
  v128.store(work + ALPHA_AT + (<usize>g << 4), alpha);
}

// acc (QUERY_BLOCK, Dv') = diag(alpha) acc + P V_tile for the nq queries, over the tile's nk keys.
function accumulateTile(args: AttentionArgs, b: i32, h: i32, j0: i32, nk: i32, nq: i32, anyHidden: bool, work: usize): void {
  const D = args.D, Dv = args.Dv;
  const dvp = roundUp(Dv, NR);
  const acc = work + accAt(D, Dv), v = work + vAt(D);
  packB(args.vRow(b, h, j0), args.vLd, false, 0, nk, 0, Dv, v);
  if (anyHidden) {
    const zero = f32x4.splat(0);
    for (let t = 0; t < nk; t++) {
      if (load<i32>(work + VISIBLE_AT + (<usize>t << 2)) != 0) continue;
      for (let jp = 0; jp < dvp; jp += NR) {
        const at = v + ((<usize>jp * nk + <usize>t * NR) << 2);
        v128.store(at, zero);
        v128.store(at, zero, 16);
      }
    }
  }
  const rows = roundUp(nq, MR);
  for (let r = 0; r < rows; r++) {
    const alpha = load<f32>(work + ALPHA_AT + (<usize>r << 2));
    if (alpha == 1) continue;
    const row = acc + (<usize>r * dvp << 2);
    const va = f32x4.splat(alpha);
    for (let d = 0; d < dvp; d += 4) v128.store(row + (<usize>d << 2), f32x4.mul(va, v128.load(row + (<usize>d << 2))));
  }
  for (let jp = 0; jp < dvp; jp += NR) {
    for (let ip = 0; ip < rows; ip += MR) {
      gemm_4x8_simd(nk, work + P_AT + (<usize>ip * nk << 2), v + (<usize>jp * nk << 2), args.broadcastLoads, true,
        acc + ((<usize>ip * dvp + jp) << 2), dvp, 0, 0, 1, 0, false, true, 0);
    }
  }
}

// Query rows i0 .. i0 + nq - 1 (nq <= QUERY_BLOCK) of head (b, h): out and lse.
function forwardBlock(args: AttentionArgs, b: i32, h: i32, i0: i32, nq: i32, work: usize): void {
  const S = args.S, D = args.D, Dv = args.Dv;
  const dvp = roundUp(Dv, NR);
  const acc = work + accAt(D, Dv);
  memory.fill(acc, 0, <usize>QUERY_BLOCK * dvp << 2);
  for (let g = 0; g < QUERY_BLOCK; g += 4) {
    v128.store(work + M_AT + (<usize>g << 2), f32x4.splat(-Infinity));
    v128.store(work + L_AT + (<usize>g << 2), f32x4.splat(0));
  }
  const q = args.qRow(b, h, i0), ldq = args.qLd;
  const kBlocks = max(1, (D + KC - 1) / KC);
  for (let kb = 0; kb < kBlocks; kb++) {
    const k0 = <i32>((<i64>D * kb) / kBlocks), kc = <i32>((<i64>D * (kb + 1)) / kBlocks) - k0;
    packB(q, ldq, true, k0, kc, 0, nq, work + Q_AT + (<usize>QUERY_BLOCK * k0 << 2));
  }
  // Keys j < end are the only ones any of the block's queries may see.
  const end = args.causal ? min(S, i0 + nq) : S;
  const groups = (nq + 3) / 4;
  for (let j0 = 0; j0 < end; j0 += KEY_TILE) {
    const nk = min(KEY_TILE, end - j0);
    let anyVisible = false, anyHidden = false;
    for (let t = 0; t < nk; t++) {
      const visible = keyVisible(args, b, j0 + t);
      store<i32>(work + VISIBLE_AT + (<usize>t << 2), visible ? -1 : 0);
      anyVisible = anyVisible || visible;
      anyHidden = anyHidden || !visible;
    }
    // A tile the padding mask hides entirely would change nothing (alpha = 1, p = 0).
    if (!anyVisible) continue;
    scoreTile(args, b, h, j0, nk, nq, work);
    for (let g = 0; g < groups; g++) softmaxColumns(args, g, i0, j0, nk, anyHidden, work);
    accumulateTile(args, b, h, j0, nk, nq, anyHidden, work);
  }
  for (let r = 0; r < nq; r++) {
    const l = load<f32>(work + L_AT + (<usize>r << 2));
    const out = args.outRow(b, h, i0 + r);
    const lse = lseAt(args, b, h, i0 + r);
    if (l == 0) {
      memory.fill(out, 0, <usize>Dv << 2);
      store<f32>(lse, -Infinity);
      continue;
    }
    const row = acc + (<usize>r * dvp << 2);
    const vl = f32x4.splat(l);
    let d = 0;
    for (; d + 4 <= Dv; d += 4) v128.store(out + (<usize>d << 2), f32x4.div(v128.load(row + (<usize>d << 2)), vl));
    for (; d < Dv; d++) store<f32>(out + (<usize>d << 2), load<f32>(row + (<usize>d << 2)) / l);
    store<f32>(lse, load<f32>(work + M_AT + (<usize>r << 2)) + Mathf.log(l));
  }
}

// Threads take the (batch, head, query block) work items round-robin, so that causal blocks,
// whose cost grows with the block, balance out.
export function attention_forward_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const H = args.H, T = args.T;
  const blocks = (T + QUERY_BLOCK - 1) / QUERY_BLOCK;
  const total = args.B * H * blocks;
  const work = args.work + <usize>tid * args.workStride;
  for (let u = tid; u < total; u += nthreads) {
    const block = u % blocks, n = u / blocks;
    const i0 = block * QUERY_BLOCK;
    forwardBlock(args, n / H, n % H, i0, min(QUERY_BLOCK, T - i0), work);
  }
}
