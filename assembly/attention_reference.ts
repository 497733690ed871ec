// Attention the plain way, for the tests: a query row's scores are all materialised in a scratch
// row of S floats, softmax uses Mathf.exp and the row max, and the backward takes delta as
// sum_j p_ij dp_ij rather than dout . out. Same argument block as attention.ts; the scratch is
// S floats per thread for the forward and 2 S for the backward. Also the scalar twin of
// attention_backward.ts's elementwise kernel.
import { argF32, argI32, argPtr, splitStart } from './args';
import {
  ARG_B, ARG_BLOCK_HEAD, ARG_BLOCK_LD, ARG_CAUSAL, ARG_COLS, ARG_D, ARG_DK, ARG_DOUT, ARG_DQ, ARG_DSCORES, ARG_DV,
  ARG_DV_OUT, ARG_H, ARG_HEAD0, ARG_HEADS, ARG_K, ARG_LSE, ARG_OUT, ARG_Q, ARG_ROW0, ARG_ROWS, ARG_S, ARG_SCALE,
  ARG_SCORES, ARG_T, ARG_V, ARG_WORK, ARG_WORK_STRIDE, keyVisible, lseAt, rowAt,
} from './attention_args';

@inline function plainDot(a: usize, b: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < n; d++) s += load<f32>(a + (<usize>d << 2)) * load<f32>(b + (<usize>d << 2));
  return s;
}

// s is (S): the scale * q_i . k_j of key j, or -Infinity where it is hidden from row i.
function scoreRow(args: usize, b: i32, h: i32, i: i32, s: usize): void {
  const S = argI32(args, ARG_S), D = argI32(args, ARG_D);
  const causal = argI32(args, ARG_CAUSAL) != 0;
  const q = rowAt(args, ARG_Q, b, h, i);
  for (let j = 0; j < S; j++) {
    const visible = keyVisible(args, b, j) && (!causal || j <= i);
    store<f32>(s + (<usize>j << 2),
      visible ? plainDot(q, rowAt(args, ARG_K, b, h, j), D) * argF32(args, ARG_SCALE) : <f32>-Infinity);
  }
}

export function attention_forward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const H = argI32(args, ARG_H), T = argI32(args, ARG_T), S = argI32(args, ARG_S), Dv = argI32(args, ARG_DV);
  const s = argPtr(args, ARG_WORK) + <usize>tid * argI32(args, ARG_WORK_STRIDE);
  const rows = argI32(args, ARG_B) * H * T;
  const end = splitStart(rows, tid + 1, nthreads);
  for (let u = splitStart(rows, tid, nthreads); u < end; u++) {
    const b = u / (H * T), h = u / T % H, i = u % T;
    scoreRow(args, b, h, i, s);
    let m = <f32>-Infinity;
    for (let j = 0; j < S; j++) m = max(m, load<f32>(s + (<usize>j << 2)));
    const out = rowAt(args, ARG_OUT, b, h, i);
    const lse = argPtr(args, ARG_LSE) + (<usize>u << 2);
    memory.fill(out, 0, <usize>Dv << 2);
    if (m == -Infinity) {
      store<f32>(lse, -Infinity);
      continue;
    }
    let l: f32 = 0;
    for (let j = 0; j < S; j++) {
      const p = Mathf.exp(load<f32>(s + (<usize>j << 2)) - m);
      store<f32>(s + (<usize>j << 2), p);
      l += p;
    }
    for (let d = 0; d < Dv; d++) {
      let acc: f32 = 0;
      for (let j = 0; j < S; j++) acc += load<f32>(s + (<usize>j << 2)) * load<f32>(rowAt(args, ARG_V, b, h, j) + (<usize>d << 2));
      store<f32>(out + (<usize>d << 2), acc / l);
    }
    store<f32>(lse, m + Mathf.log(l));
  }
}

// Threads own whole heads, so dk and dv sum over the query rows of one thread only.
export function attention_backward_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const H = argI32(args, ARG_H), T = argI32(args, ARG_T), S = argI32(args, ARG_S);
  const D = argI32(args, ARG_D), Dv = argI32(args, ARG_DV);
  const scale = argF32(args, ARG_SCALE);
  const p = argPtr(args, ARG_WORK) + <usize>tid * argI32(args, ARG_WORK_STRIDE);
  const dp = p + (<usize>S << 2);
  const heads = argI32(args, ARG_B) * H;
  const end = splitStart(heads, tid + 1, nthreads);
  for (let bh = splitStart(heads, tid, nthreads); bh < end; bh++) {
    const b = bh / H, h = bh % H;
    const dk = argPtr(args, ARG_DK) + (<usize>bh * S * D << 2);
    const dv = argPtr(args, ARG_DV_OUT) + (<usize>bh * S * Dv << 2);
    memory.fill(dk, 0, <usize>S * D << 2);
    memory.fill(dv, 0, <usize>S * Dv << 2);
    for (let i = 0; i < T; i++) {
      const dq = argPtr(args, ARG_DQ) + ((<usize>bh * T + i) * D << 2);
      memory.fill(dq, 0, <usize>D << 2);
      const lse = load<f32>(argPtr(args, ARG_LSE) + ((<usize>bh * T + i) << 2));
      if (lse == -Infinity) continue;
      scoreRow(args, b, h, i, p);
      const dout = rowAt(args, ARG_DOUT, b, h, i);
      let delta: f32 = 0;
      for (let j = 0; j < S; j++) {
        const s = load<f32>(p + (<usize>j << 2));
        const pj = s == -Infinity ? <f32>0 : Mathf.exp(s - lse);
        const dpj = plainDot(dout, rowAt(args, ARG_V, b, h, j), Dv);
        store<f32>(p + (<usize>j << 2), pj);
        store<f32>(dp + (<usize>j << 2), dpj);
        delta += pj * dpj;
      }
      const q = rowAt(args, ARG_Q, b, h, i);
      for (let j = 0; j < S; j++) {
        const pj = load<f32>(p + (<usize>j << 2));
        const ds = pj * (load<f32>(dp + (<usize>j << 2)) - delta) * scale;
        const k = rowAt(args, ARG_K, b, h, j);
        for (let d = 0; d < D; d++) {
          const o = <usize>d << 2;
          store<f32>(dq + o, load<f32>(dq + o) + ds * load<f32>(k + o));
          const dkAt = dk + ((<usize>j * D + d) << 2);
          store<f32>(dkAt, load<f32>(dkAt) + ds * load<f32>(q + o));
        }
        for (let d = 0; d < Dv; d++) {
          const dvAt = dv + ((<usize>j * Dv + d) << 2);
          store<f32>(dvAt, load<f32>(dvAt) + pj * load<f32>(dout + (<usize>d << 2)));
        }
      }
    }
  }
}

// attention_backward_probabilities_task one element at a time: row r of head n's block turns its
// scores s into p = exp(s - lse) and its dscores dp into ds = p (dp - delta), delta = (p . dp) / sum(p),
// over the `cols` keys, with p = ds = 0 wherever the key is hidden from the row.
export function attention_backward_probabilities_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const H = argI32(args, ARG_H), rows = argI32(args, ARG_ROWS), cols = argI32(args, ARG_COLS);
  const causal = argI32(args, ARG_CAUSAL) != 0;
  const total = argI32(args, ARG_HEADS) * rows;
  const end = splitStart(total, tid + 1, nthreads);
  for (let u = splitStart(total, tid, nthreads); u < end; u++) {
    const g = u / rows, r = u % rows;
    const n = argI32(args, ARG_HEAD0) + g, b = n / H, i = argI32(args, ARG_ROW0) + r;
    const at = (<usize>g * argI32(args, ARG_BLOCK_HEAD) + <usize>r * argI32(args, ARG_BLOCK_LD)) << 2;
    const s = argPtr(args, ARG_SCORES) + at, dp = argPtr(args, ARG_DSCORES) + at;
    const lse = load<f32>(lseAt(args, b, n % H, i));
    let pdp: f32 = 0, sum: f32 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const visible = lse != -Infinity && (!causal || j <= i) && keyVisible(args, b, j);
      const p: f32 = visible ? Mathf.exp(load<f32>(s + o) - lse) : 0;
      store<f32>(s + o, p);
      if (!visible) continue;
      pdp += p * load<f32>(dp + o);
      sum += p;
    }
    const delta: f32 = sum > 0 ? pdp / sum : 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const p = load<f32>(s + o);
      store<f32>(dp + o, p != 0 ? p * (load<f32>(dp + o) - delta) : 0);
    }
  }
}
