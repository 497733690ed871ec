// Cross-entropy of class targets straight from logits, one row (one prediction over C classes)
// at a time, and its backward. The composite log-softmax -> one-hot product -> sum made a
// (rows, C) weight matrix in JavaScript and ran six kernels each way; here a row's log-softmax
// never leaves registers. The backward recomputes each row's max and log-sum-exp rather than
// keeping them: one extra pass over C floats, against a saved tensor per graph.
//
// The target weights of row i, with target k, class weights cw (all 1 without) and smoothing eps:
//   w_j = eps * cw_j / C + (j == k ? (1 - eps) * cw_k : 0),  W = sum_j w_j
//   loss_i = -scale * sum_j w_j * logp_j
//   dx_j   = dloss_i * scale * (W * p_j - w_j)
// A row whose target is ignoreIndex has w = 0. A row of all -Infinity logits has no
// probabilities: its loss is +Infinity and its gradient 0.
// Each row is one thread's, so the bits do not depend on the thread count.
import { splitStart } from './split';
import { CrossEntropyArgs } from './generated/args';
import { rowExtreme } from './extreme';
import { hsum, scalar } from './lanes';
import { vexp, vlog } from './vmath';

@inline function scalarExp(x: f32): f32 {
  return scalar(vexp(f32x4.splat(x)));
}

// x is (C) contiguous; log(sum(exp(x - m)))
function logSumExpShifted(x: usize, C: i32, m: f32): f32 {
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) acc = f32x4.add(acc, vexp(f32x4.sub(v128.load(x + (<usize>j << 2)), vm)));
  let s = hsum(acc);
  for (; j < C; j++) s += scalarExp(load<f32>(x + (<usize>j << 2)) - m);
  return scalar(vlog(f32x4.splat(s)));
}

// x is (C) contiguous, cw (C) or 0; sum_j cw_j * logp_j where logp_j = (x_j - m) - logs
function weightedLogProbSum(x: usize, cw: usize, C: i32, m: f32, logs: f32): f32 {
  const vm = f32x4.splat(m);
  const vlogs = f32x4.splat(logs);
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const lp = f32x4.sub(f32x4.sub(v128.load(x + (<usize>j << 2)), vm), vlogs);
    acc = f32x4.add(acc, cw == 0 ? lp : f32x4.mul(lp, v128.load(cw + (<usize>j << 2))));
  }
  let s = hsum(acc);
  for (; j < C; j++) {
    const lp = (load<f32>(x + (<usize>j << 2)) - m) - logs;
    s += cw == 0 ? lp : lp * load<f32>(cw + (<usize>j << 2));
  }
  return s;
}

@inline function classWeight(cw: usize, j: i32): f32 {
  return cw == 0 ? 1 : load<f32>(cw + (<usize>j << 2));
}

export function cross_entropy_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<CrossEntropyArgs>(args);
  const loss = a.out, x = a.x, target = a.target, cw = a.classWeight;
  const M = a.M, C = a.C, ignoreIndex = a.ignoreIndex, eps = a.eps, scale = a.scale;
  const end = splitStart(M, tid + 1, nthreads);
  for (let i = splitStart(M, tid, nthreads); i < end; i++) {
    const row = x + ((<usize>i * C) << 2);
    const k = load<i32>(target + (<usize>i << 2));
    let picked: f32 = 0;
    if (k != ignoreIndex) {
      const m = rowExtreme(row, C, true);
      if (m == -Infinity) {
        store<f32>(loss + (<usize>i << 2), Infinity);
        continue;
      }
      const logs = logSumExpShifted(row, C, m);
      picked = (1 - eps) * classWeight(cw, k) * ((load<f32>(row + (<usize>k << 2)) - m) - logs);
      if (eps != 0) picked += (eps / <f32>C) * weightedLogProbSum(row, cw, C, m, logs);
    }
    // 0 - picked, not -picked: an ignored row gives +0, and 0 * an infinite scale gives NaN.
    store<f32>(loss + (<usize>i << 2), (0 - picked) * scale);
  }
}

export function cross_entropy_backward_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<CrossEntropyArgs>(args);
  const dx = a.out, x = a.x, target = a.target, cw = a.classWeight, dloss = a.dloss;
  const M = a.M, C = a.C, ignoreIndex = a.ignoreIndex, eps = a.eps, scale = a.scale, weightSum = a.weightSum;
  const end = splitStart(M, tid + 1, nthreads);
  for (let i = splitStart(M, tid, nthreads); i < end; i++) {
    const row = x + ((<usize>i * C) << 2);
    const out = dx + ((<usize>i * C) << 2);
    const k = load<i32>(target + (<usize>i << 2));
    const g = load<f32>(dloss + (<usize>i << 2)) * scale;
    const m = rowExtreme(row, C, true);
    if (k == ignoreIndex || m == -Infinity) {
      // g * 0 rather than 0, so that a NaN or infinite upstream gradient still shows.
      const zero = f32x4.splat(g * 0);
      let j = 0;
      for (; j + 4 <= C; j += 4) v128.store(out + (<usize>j << 2), zero);
      for (; j < C; j++) store<f32>(out + (<usize>j << 2), g * 0);
      continue;
    }
    const logs = logSumExpShifted(row, C, m);
    const smooth = eps / <f32>C;
    const cwk = classWeight(cw, k);
    const keep: f32 = 1 - eps;
    const W = keep * cwk + smooth * weightSum;
    const vm = f32x4.splat(m);
    const vlogs = f32x4.splat(logs);
    const vW = f32x4.splat(W);
    const vg = f32x4.splat(g);
    const vsmooth = f32x4.splat(smooth);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const at = <usize>j << 2;
      const p = vexp(f32x4.sub(f32x4.sub(v128.load(row + at), vm), vlogs));
      const w = cw == 0 ? vsmooth : f32x4.mul(vsmooth, v128.load(cw + at));
      v128.store(out + at, f32x4.mul(vg, f32x4.sub(f32x4.mul(vW, p), w)));
    }
    for (; j < C; j++) {
      const at = <usize>j << 2;
      const p = scalarExp((load<f32>(row + at) - m) - logs);
      store<f32>(out + at, g * (W * p - smooth * classWeight(cw, j)));
    }
    // The target's own share of w, taken off after the sweep so the sweep stays branch-free.
    const at = out + (<usize>k << 2);
    const pk = scalarExp((load<f32>(row + (<usize>k << 2)) - m) - logs);
    store<f32>(at, g * (W * pk - (smooth * cwk + keep * cwk)));
  }
}
