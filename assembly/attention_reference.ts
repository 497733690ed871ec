// Attention the plain way, for the tests: a query row's scores are all materialised in a scratch
// row of S floats, softmax uses Mathf.exp and the row max, and the backward takes delta as
// sum_j p_ij dp_ij rather than dout . out. Same argument block as attention.ts; the scratch is
// S floats per thread for the forward and 2 S for the backward. Also the scalar twin of
// attention_backward.ts's elementwise kernel.
import { AttentionArgs } from './generated/args';
import { splitStart } from './split';
import { keyVisible, lseAt } from './attention_rows';

@inline function plainDot(a: usize, b: usize, n: i32): f32 {
  let s: f32 = 0;
  for (let d = 0; d < n; d++) s += load<f32>(a + (<usize>d << 2)) * load<f32>(b + (<usize>d << 2));
  return s;
}

// s is (S): the scale * q_i . k_j of key j, or -Infinity where it is hidden from row i.
function scoreRow(args: AttentionArgs, b: i32, h: i32, i: i32, s: usize): void {
  const S = args.S, D = args.D;
  const causal = args.causal;
  const q = args.qRow(b, h, i);
  for (let j = 0; j < S; j++) {
    const visible = keyVisible(args, b, j) && (!causal || j <= i);
    store<f32>(s + (<usize>j << 2),
      visible ? plainDot(q, args.kRow(b, h, j), D) * args.scale : <f32>-Infinity);
  }
}

export function attention_forward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const H = args.H, T = args.T, S = args.S, Dv = args.Dv;
  const s = args.work + <usize>tid * args.workStride;
  const rows = args.B * H * T;
  const end = splitStart(rows, tid + 1, nthreads);
  for (let u = splitStart(rows, tid, nthreads); u < end; u++) {
    const b = u / (H * T), h = u / T % H, i = u % T;
    scoreRow(args, b, h, i, s);
    let m = <f32>-Infinity;
    for (let j = 0; j < S; j++) m = max(m, load<f32>(s + (<usize>j << 2)));
    const out = args.outRow(b, h, i);
    const lse = args.lse + (<usize>u << 2);
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
      for (let j = 0; j < S; j++) acc += load<f32>(s + (<usize>j << 2)) * load<f32>(args.vRow(b, h, j) + (<usize>d << 2));
      store<f32>(out + (<usize>d << 2), acc / l);
    }
    store<f32>(lse, m + Mathf.log(l));
  }
}

// Threads own whole heads, so dk and dv sum over the query rows of one thread only.
export function attention_backward_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const H = args.H, T = args.T, S = args.S;
  const D = args.D, Dv = args.Dv;
  const scale = args.scale;
  const p = args.work + <usize>tid * args.workStride;
  const dp = p + (<usize>S << 2);
  const heads = args.B * H;
  const end = splitStart(heads, tid + 1, nthreads);
  for (let bh = splitStart(heads, tid, nthreads); bh < end; bh++) {
    const b = bh / H, h = bh % H;
    const dk = args.dk + (<usize>bh * S * D << 2);
    const dv = args.dv + (<usize>bh * S * Dv << 2);
    memory.fill(dk, 0, <usize>S * D << 2);
    memory.fill(dv, 0, <usize>S * Dv << 2);
    for (let i = 0; i < T; i++) {
      const dq = args.dq + ((<usize>bh * T + i) * D << 2);
      memory.fill(dq, 0, <usize>D << 2);
      const lse = load<f32>(args.lse + ((<usize>bh * T + i) << 2));
      if (lse == -Infinity) continue;
      scoreRow(args, b, h, i, p);
      const dout = args.doutRow(b, h, i);
      let delta: f32 = 0;
      for (let j = 0; j < S; j++) {
        const s = load<f32>(p + (<usize>j << 2));
        const pj = s == -Infinity ? <f32>0 : Mathf.exp(s - lse);
        const dpj = plainDot(dout, args.vRow(b, h, j), Dv);
        store<f32>(p + (<usize>j << 2), pj);
        store<f32>(dp + (<usize>j << 2), dpj);
        delta += pj * dpj;
      }
      const q = args.qRow(b, h, i);
      for (let j = 0; j < S; j++) {
        const pj = load<f32>(p + (<usize>j << 2));
        const ds = pj * (load<f32>(dp + (<usize>j << 2)) - delta) * scale;
        const k = args.kRow(b, h, j);
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
export function attention_backward_probabilities_reference_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<AttentionArgs>(words);
  const H = args.H, rows = args.rows, cols = args.cols;
  const causal = args.causal;
  const total = args.heads * rows;
  const end = splitStart(total, tid + 1, nthreads);
  for (let u = splitStart(total, tid, nthreads); u < end; u++) {
    const g = u / rows, r = u % rows;
    const n = args.head0 + g, b = n / H, i = args.row0 + r;
    const at = (<usize>g * args.blockHead + <usize>r * args.blockLd) << 2;
    const s = args.scores + at, dp = args.dscores + at;
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
