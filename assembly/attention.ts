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
// and threads own whole rows of every output (query rows for out and dq, key rows for dk and dv),
// so no element ever takes floats from two threads. The backward recomputes the scores once per
// pass instead of sharing dq between key-row owners, which is what buys this.
import { argF32, argI32, argPtr } from './args';
import { expLanes, expScalar } from './fastmath';
import {
  ARG_B, ARG_CAUSAL, ARG_D, ARG_DELTA, ARG_DK, ARG_DOUT, ARG_DQ, ARG_DV, ARG_DV_OUT, ARG_H, ARG_K, ARG_LSE, ARG_OUT,
  ARG_Q, ARG_S, ARG_SCALE, ARG_T, ARG_V, ARG_WORK, ARG_WORK_STRIDE, keyVisible, rowAt,
} from './attention_args';

const KEY_TILE = 64;
/** Bytes of scratch each thread needs for the fused tasks: one tile of scores. */
export const ATTENTION_WORKSPACE_BYTES: i32 = KEY_TILE * 4;

// a and b are (n): their dot product, two vector accumulators, then lanes, then the scalar tail.
@inline function dot(a: usize, b: usize, n: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let d = 0;
  for (; d + 8 <= n; d += 8) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  if (d + 4 <= n) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    d += 4;
  }
  const acc = f32x4.add(acc0, acc1);
  let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; d < n; d++) s += load<f32>(a + (<usize>d << 2)) * load<f32>(b + (<usize>d << 2));
  return s;
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

// One query row of the forward: out[b, h, i] and lse[b, h, i]. scores is (KEY_TILE) scratch.
function forwardRow(args: usize, b: i32, h: i32, i: i32, scores: usize): void {
  const S = argI32(args, ARG_S), D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const q = rowAt(args, ARG_Q, b, h, i);
  const out = rowAt(args, ARG_OUT, b, h, i);
  memory.fill(out, 0, <usize>Dv << 2);
  let m = <f32>-Infinity, l: f32 = 0;
  const end = argI32(args, ARG_CAUSAL) != 0 ? min(S, i + 1) : S;
  for (let j0 = 0; j0 < end; j0 += KEY_TILE) {
    const n = min(KEY_TILE, end - j0);
    let tileMax = <f32>-Infinity;
    for (let t = 0; t < n; t++) {
      let s = <f32>-Infinity;
      if (keyVisible(args, b, j0 + t)) {
        s = dot(q, rowAt(args, ARG_K, b, h, j0 + t), D) * scale;
        tileMax = max(tileMax, s);
      }
      store<f32>(scores + (<usize>t << 2), s);
    }
    if (tileMax == -Infinity) continue;
    const mNew = max(m, tileMax);
    if (m != mNew && l != 0) {
      // The running max grew: what was summed against the old one shrinks by exp(m - mNew).
      const shrink = expScalar(m - mNew);
      l *= shrink;
      scaleRow(out, shrink, Dv);
    }
    m = mNew;
    expTile(scores, n, m);
    for (let t = 0; t < n; t++) {
      const p = load<f32>(scores + (<usize>t << 2));
      if (p == 0) continue;
      l += p;
      axpy(out, p, rowAt(args, ARG_V, b, h, j0 + t), Dv);
    }
  }
  const lse = lseAt(args, b, h, i);
  if (l == 0) {
    store<f32>(lse, -Infinity);
    return;
  }
  for (let d = 0; d < Dv; d++) store<f32>(out + (<usize>d << 2), load<f32>(out + (<usize>d << 2)) / l);
  store<f32>(lse, m + Mathf.log(l));
}

export function attention_forward_task(args: usize, tid: i32, nthreads: i32): void {
  eachRow(args, tid, nthreads, argI32(args, ARG_T), forwardRow);
}

@inline function lseAt(args: usize, b: i32, h: i32, i: i32): usize {
  return argPtr(args, ARG_LSE) + ((<usize>(b * argI32(args, ARG_H) + h) * argI32(args, ARG_T) + i) << 2);
}

@inline function deltaAt(args: usize, b: i32, h: i32, i: i32): usize {
  return argPtr(args, ARG_DELTA) + ((<usize>(b * argI32(args, ARG_H) + h) * argI32(args, ARG_T) + i) << 2);
}

// dq[b, h, i] = scale sum_j p_ij (dp_ij - delta_i) k_j, with dp_ij = dout_i . v_j; also delta_i.
function dqRow(args: usize, b: i32, h: i32, i: i32, scores: usize): void {
  const H = argI32(args, ARG_H), T = argI32(args, ARG_T), S = argI32(args, ARG_S);
  const D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const dq = argPtr(args, ARG_DQ) + ((<usize>(b * H + h) * T + i) * D << 2);
  memory.fill(dq, 0, <usize>D << 2);
  const lse = load<f32>(lseAt(args, b, h, i));
  if (lse == -Infinity) {
    store<f32>(deltaAt(args, b, h, i), 0);
    return;
  }
  const q = rowAt(args, ARG_Q, b, h, i);
  const dout = rowAt(args, ARG_DOUT, b, h, i);
  const delta = dot(dout, rowAt(args, ARG_OUT, b, h, i), Dv);
  store<f32>(deltaAt(args, b, h, i), delta);
  const end = argI32(args, ARG_CAUSAL) != 0 ? min(S, i + 1) : S;
  for (let j0 = 0; j0 < end; j0 += KEY_TILE) {
    const n = min(KEY_TILE, end - j0);
    for (let t = 0; t < n; t++) {
      const s = keyVisible(args, b, j0 + t) ? dot(q, rowAt(args, ARG_K, b, h, j0 + t), D) * scale - lse : <f32>-Infinity;
      store<f32>(scores + (<usize>t << 2), s);
    }
    expTile(scores, n, 0);
    for (let t = 0; t < n; t++) {
      const p = load<f32>(scores + (<usize>t << 2));
      if (p == 0) continue;
      const dp = dot(dout, rowAt(args, ARG_V, b, h, j0 + t), Dv);
      axpy(dq, p * (dp - delta), rowAt(args, ARG_K, b, h, j0 + t), D);
    }
  }
  scaleRow(dq, scale, D);
}

// The first backward pass: dq and delta, by query rows.
export function attention_backward_dq_task(args: usize, tid: i32, nthreads: i32): void {
  eachRow(args, tid, nthreads, argI32(args, ARG_T), dqRow);
}

// dv[b, h, j] = sum_i p_ij dout_i and dk[b, h, j] = scale sum_i p_ij (dp_ij - delta_i) q_i.
function dkdvRow(args: usize, b: i32, h: i32, j: i32, scores: usize): void {
  const H = argI32(args, ARG_H), T = argI32(args, ARG_T), S = argI32(args, ARG_S);
  const D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const dk = argPtr(args, ARG_DK) + ((<usize>(b * H + h) * S + j) * D << 2);
  const dv = argPtr(args, ARG_DV_OUT) + ((<usize>(b * H + h) * S + j) * Dv << 2);
  memory.fill(dk, 0, <usize>D << 2);
  memory.fill(dv, 0, <usize>Dv << 2);
  if (!keyVisible(args, b, j)) return;
  const k = rowAt(args, ARG_K, b, h, j);
  const v = rowAt(args, ARG_V, b, h, j);
  // Query tiles start at the first row that can see key j, so their bounds depend on j and T only.
  const start = argI32(args, ARG_CAUSAL) != 0 ? j : 0;
  for (let i0 = start; i0 < T; i0 += KEY_TILE) {
    const n = min(KEY_TILE, T - i0);
    for (let t = 0; t < n; t++) {
      const lse = load<f32>(lseAt(args, b, h, i0 + t));
      const s = lse == -Infinity ? <f32>-Infinity : dot(rowAt(args, ARG_Q, b, h, i0 + t), k, D) * scale - lse;
      store<f32>(scores + (<usize>t << 2), s);
    }
    expTile(scores, n, 0);
    for (let t = 0; t < n; t++) {
      const p = load<f32>(scores + (<usize>t << 2));
      if (p == 0) continue;
      const dout = rowAt(args, ARG_DOUT, b, h, i0 + t);
      axpy(dv, p, dout, Dv);
      const dp = dot(dout, v, Dv);
      axpy(dk, p * (dp - load<f32>(deltaAt(args, b, h, i0 + t))), rowAt(args, ARG_Q, b, h, i0 + t), D);
    }
  }
  scaleRow(dk, scale, D);
}

// The second backward pass, after the first has written delta: by key rows.
export function attention_backward_dkdv_task(args: usize, tid: i32, nthreads: i32): void {
  eachRow(args, tid, nthreads, argI32(args, ARG_S), dkdvRow);
}
