// Fused scaled-dot-product attention, FlashAttention style: out = softmax(scale Q K^T + mask) V
// without ever holding a T x S score matrix. Each query row walks the keys in tiles of KEY_TILE,
// keeping a running max m and sum l of its softmax and rescaling its partial output when m grows
// (the online softmax), so memory is linear in T. The forward also writes lse = m + log l per
// row, from which the backward recomputes every probability exactly as p = exp(s - lse).
//
// Masks: key j is visible to query i when keyPaddingMask[b, j] != 0 and, if causal, j <= i
// (PyTorch's top-left alignment). A row that sees no key gets out = 0, lse = -Infinity and zero
// gradients: never NaN.
//
// Determinism: a row's sum runs over its keys in ascending tiles whose bounds depend only on S,
// and threads own whole rows of out, so no element ever takes floats from two threads. The
// backward is in attention_backward.ts.
import { argF32, argI32, argPtr } from './args';
import { dot, finishDot } from './attention_dot';
import { expLanes, expScalar } from './fastmath';
import {
  ARG_B, ARG_CAUSAL, ARG_D, ARG_DV, ARG_H, ARG_K, ARG_OUT, ARG_Q, ARG_S, ARG_SCALE, ARG_T, ARG_V, ARG_WORK,
  ARG_WORK_STRIDE, keyVisible, lseAt, rowAt,
} from './attention_args';

const KEY_TILE = 64;
// Query rows the forward takes per pass over the keys.
const QUERY_BLOCK = 4;
const SCORE_ROW_BYTES: usize = KEY_TILE * 4;
/** Bytes of scratch each thread needs for the fused tasks: a tile of scores per row of a block, and its softmax state. */
export const ATTENTION_WORKSPACE_BYTES: i32 = QUERY_BLOCK * (KEY_TILE + 3) * 4;

// q0..q3 and k are (n): the four products q_r . k, each summed as dot() sums it, sharing the loads
// of k; score r goes to scores + r * rowBytes, times scale.
@inline function dot_4x1_simd(q0: usize, q1: usize, q2: usize, q3: usize, k: usize, n: i32, scale: f32, scores: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
  let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
  let d = 0;
  for (; d + 8 <= n; d += 8) {
    const o = <usize>d << 2;
    const k0 = v128.load(k + o), k1 = v128.load(k + o, 16);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + o), k0));
    b0 = f32x4.add(b0, f32x4.mul(v128.load(q0 + o, 16), k1));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + o), k0));
    b1 = f32x4.add(b1, f32x4.mul(v128.load(q1 + o, 16), k1));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + o), k0));
    b2 = f32x4.add(b2, f32x4.mul(v128.load(q2 + o, 16), k1));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(q3 + o), k0));
    b3 = f32x4.add(b3, f32x4.mul(v128.load(q3 + o, 16), k1));
  }
  if (d + 4 <= n) {
    const o = <usize>d << 2;
    const k0 = v128.load(k + o);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + o), k0));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + o), k0));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + o), k0));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(q3 + o), k0));
    d += 4;
  }
  store<f32>(scores, finishDot(a0, b0, q0, k, d, n) * scale);
  store<f32>(scores + rowBytes, finishDot(a1, b1, q1, k, d, n) * scale);
  store<f32>(scores + 2 * rowBytes, finishDot(a2, b2, q2, k, d, n) * scale);
  store<f32>(scores + 3 * rowBytes, finishDot(a3, b3, q3, k, d, n) * scale);
}

// y and x are (n): y += alpha x.
@inline function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  let d = 0;
  for (; d + 4 <= n; d += 4) {
    const o = <usize>d << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; d < n; d++) {
    const o = <usize>d << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

// y is (n): y *= alpha.
@inline function scaleRow(y: usize, alpha: f32, n: i32): void {
  const va = f32x4.splat(alpha);
  let d = 0;
  for (; d + 4 <= n; d += 4) v128.store(y + (<usize>d << 2), f32x4.mul(va, v128.load(y + (<usize>d << 2))));
  for (; d < n; d++) store<f32>(y + (<usize>d << 2), alpha * load<f32>(y + (<usize>d << 2)));
}

// s is (n): s = exp(s - shift), -Infinity giving 0.
@inline function expTile(s: usize, n: i32, shift: f32): void {
  const vs = f32x4.splat(shift);
  let t = 0;
  for (; t + 4 <= n; t += 4) v128.store(s + (<usize>t << 2), expLanes(f32x4.sub(v128.load(s + (<usize>t << 2)), vs)));
  for (; t < n; t++) store<f32>(s + (<usize>t << 2), expScalar(load<f32>(s + (<usize>t << 2)) - shift));
}

/** The work on one row of one head: a query row of out or dq, or a key row of dk and dv. */
type RowKernel = (args: usize, b: i32, h: i32, r: i32, scores: usize) => void;

// Threads take the B*H*rows rows round-robin, so that causal rows, whose cost grows with i (or
// shrinks with j), balance out. Each thread has its own tile of scores in the scratch.
function eachRow(args: usize, tid: i32, nthreads: i32, rows: i32, row: RowKernel): void {
  const H = argI32(args, ARG_H);
  const scores = argPtr(args, ARG_WORK) + <usize>tid * argI32(args, ARG_WORK_STRIDE);
  const total = argI32(args, ARG_B) * H * rows;
  for (let u = tid; u < total; u += nthreads) row(args, u / (H * rows), u / rows % H, u % rows, scores);
}

// The running softmax of each query row of a block, after its tile of scores in the scratch:
// max m (f32), sum l (f32) and the keys n (i32) the row takes from the current tile, 0 for none.
const ROW_M: usize = <usize>QUERY_BLOCK * SCORE_ROW_BYTES;
const ROW_L: usize = ROW_M + <usize>QUERY_BLOCK * 4;
const ROW_N: usize = ROW_L + <usize>QUERY_BLOCK * 4;

// out_r (Dv) += sum over t < n of p_r[t] v_t for the four rows r: v_t is v + t * vStride and p_r
// is at p + r * SCORE_ROW_BYTES. Each element adds its terms in t order, as axpy does, but stays in
// a register over the whole tile, and each load of v serves four rows.
function accumulate_4xn_simd(out: usize, outStride: usize, p: usize, v: usize, vStride: usize, n: i32, Dv: i32): void {
  const out1 = out + outStride, out2 = out1 + outStride, out3 = out2 + outStride;
  let d = 0;
  for (; d + 4 <= Dv; d += 4) {
    const o = <usize>d << 2;
    let c0 = v128.load(out + o), c1 = v128.load(out1 + o), c2 = v128.load(out2 + o), c3 = v128.load(out3 + o);
    let vt = v + o, pt = p;
    for (let t = 0; t < n; t++) {
      const x = v128.load(vt);
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pt), x));
      c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(pt + SCORE_ROW_BYTES), x));
      c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(pt + 2 * SCORE_ROW_BYTES), x));
      c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(pt + 3 * SCORE_ROW_BYTES), x));
      vt += vStride;
      pt += 4;
    }
    v128.store(out + o, c0);
    v128.store(out1 + o, c1);
    v128.store(out2 + o, c2);
    v128.store(out3 + o, c3);
  }
  for (; d < Dv; d++) {
    for (let r = 0; r < QUERY_BLOCK; r++) {
      const y = out + <usize>r * outStride + (<usize>d << 2);
      let c = load<f32>(y);
      for (let t = 0; t < n; t++) c += load<f32>(p + <usize>r * SCORE_ROW_BYTES + (<usize>t << 2)) * load<f32>(v + <usize>t * vStride + (<usize>d << 2));
      store<f32>(y, c);
    }
  }
}

// Keys j < end are visible to query row i (before the padding mask).
@inline function keyEnd(args: usize, i: i32): i32 {
  const S = argI32(args, ARG_S);
  return argI32(args, ARG_CAUSAL) != 0 ? min(S, i + 1) : S;
}

// Folds the tile of scores of row r (n keys) into its running softmax: rescales its partial out
// if the max grew and turns the scores into p = exp(s - m). Returns the keys the row takes from
// the tile: n, or 0 when it sees none of them.
function foldTile(state: usize, r: i32, scores: usize, n: i32, out: usize, Dv: i32): i32 {
  let tileMax = <f32>-Infinity;
  for (let t = 0; t < n; t++) tileMax = max(tileMax, load<f32>(scores + (<usize>t << 2)));
  if (tileMax == -Infinity) return 0;
  const mAt = state + ROW_M + (<usize>r << 2), lAt = state + ROW_L + (<usize>r << 2);
  const m = load<f32>(mAt), mNew = max(m, tileMax);
  const l = load<f32>(lAt);
  if (m != mNew && l != 0) {
    // The running max grew: what was summed against the old one shrinks by exp(m - mNew).
    const shrink = expScalar(m - mNew);
    store<f32>(lAt, l * shrink);
    scaleRow(out, shrink, Dv);
  }
  store<f32>(mAt, mNew);
  expTile(scores, n, mNew);
  return n;
}

// Query rows i0 .. i0 + rows - 1 (rows <= QUERY_BLOCK) of the forward: out[b, h, i] and lse[b, h, i].
// Each row walks the keys in tiles (the online softmax), and a block shares every load of a k or
// v row among its rows; each row's arithmetic is term for term what it would be alone, so the
// bits do not depend on how rows are grouped. scores is the thread's scratch: a tile of scores
// per row, then the rows' running state.
function forwardBlock(args: usize, b: i32, h: i32, i0: i32, rows: i32, scores: usize): void {
  const D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  for (let r = 0; r < rows; r++) {
    memory.fill(rowAt(args, ARG_OUT, b, h, i0 + r), 0, <usize>Dv << 2);
    store<f32>(scores + ROW_M + (<usize>r << 2), -Infinity);
    store<f32>(scores + ROW_L + (<usize>r << 2), 0);
  }
  // Rows past the last of a short block repeat it, so the 4-row dot products have valid addresses.
  const q0 = rowAt(args, ARG_Q, b, h, i0);
  const q1 = rowAt(args, ARG_Q, b, h, i0 + min(1, rows - 1));
  const q2 = rowAt(args, ARG_Q, b, h, i0 + min(2, rows - 1));
  const q3 = rowAt(args, ARG_Q, b, h, i0 + min(3, rows - 1));
  const firstEnd = keyEnd(args, i0), lastEnd = keyEnd(args, i0 + rows - 1);
  const out = rowAt(args, ARG_OUT, b, h, i0);
  const outStride = rowAt(args, ARG_OUT, b, h, i0 + 1) - out;
  const vStride = rowAt(args, ARG_V, b, h, 1) - rowAt(args, ARG_V, b, h, 0);
  for (let j0 = 0; j0 < lastEnd; j0 += KEY_TILE) {
    const nAll = max(0, min(KEY_TILE, firstEnd - j0)), nAny = min(KEY_TILE, lastEnd - j0);
    for (let t = 0; t < nAny; t++) {
      const j = j0 + t;
      const at = scores + (<usize>t << 2);
      const visible = keyVisible(args, b, j);
      if (visible && t < nAll) {
        dot_4x1_simd(q0, q1, q2, q3, rowAt(args, ARG_K, b, h, j), D, scale, at, SCORE_ROW_BYTES);
        continue;
      }
      for (let r = 0; r < rows; r++) {
        const s = visible && j < keyEnd(args, i0 + r)
          ? dot(rowAt(args, ARG_Q, b, h, i0 + r), rowAt(args, ARG_K, b, h, j), D) * scale : <f32>-Infinity;
        store<f32>(at + <usize>r * SCORE_ROW_BYTES, s);
      }
    }
    // The shared path needs four rows taking the whole tile, and no p = 0, which axpy skips
    // (a masked key's v may hold NaN).
    let shared = rows == QUERY_BLOCK && nAll == nAny;
    for (let r = 0; r < rows; r++) {
      const p = scores + <usize>r * SCORE_ROW_BYTES;
      const n = foldTile(scores, r, p, min(KEY_TILE, keyEnd(args, i0 + r) - j0), out + <usize>r * outStride, Dv);
      store<i32>(scores + ROW_N + (<usize>r << 2), n);
      if (n < nAny) shared = false;
      for (let t = 0; shared && t < n; t++) shared = load<f32>(p + (<usize>t << 2)) != 0;
    }
    if (shared) accumulate_4xn_simd(out, outStride, scores, rowAt(args, ARG_V, b, h, j0), vStride, nAny, Dv);
    for (let r = 0; r < rows; r++) {
      const p = scores + <usize>r * SCORE_ROW_BYTES;
      const lAt = scores + ROW_L + (<usize>r << 2);
      let l = load<f32>(lAt);
      const n = load<i32>(scores + ROW_N + (<usize>r << 2));
      for (let t = 0; t < n; t++) {
        const pt = load<f32>(p + (<usize>t << 2));
        if (pt == 0) continue;
        l += pt;
        if (!shared) axpy(out + <usize>r * outStride, pt, rowAt(args, ARG_V, b, h, j0 + t), Dv);
      }
      store<f32>(lAt, l);
    }
  }
  for (let r = 0; r < rows; r++) {
    const l = load<f32>(scores + ROW_L + (<usize>r << 2));
    const o = out + <usize>r * outStride;
    const lse = lseAt(args, b, h, i0 + r);
    if (l == 0) {
      store<f32>(lse, -Infinity);
      continue;
    }
    for (let d = 0; d < Dv; d++) store<f32>(o + (<usize>d << 2), load<f32>(o + (<usize>d << 2)) / l);
    store<f32>(lse, load<f32>(scores + ROW_M + (<usize>r << 2)) + Mathf.log(l));
  }
}

// Threads take the blocks of rows round-robin, as eachRow takes rows.
export function attention_forward_task(args: usize, tid: i32, nthreads: i32): void {
  const T = argI32(args, ARG_T);
  eachRow(args, tid, nthreads, (T + QUERY_BLOCK - 1) / QUERY_BLOCK, (args: usize, b: i32, h: i32, block: i32, scores: usize): void => {
    const i0 = block * QUERY_BLOCK;
    forwardBlock(args, b, h, i0, min(QUERY_BLOCK, argI32(args, ARG_T) - i0), scores);
  });
}
