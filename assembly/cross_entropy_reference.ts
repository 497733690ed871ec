// Scalar reference for cross_entropy.ts, in f64 with AssemblyScript's Math, straight from the
// definitions of w, loss and dx given there.
import { splitStart } from './split';
import { CrossEntropyArgs } from './generated/args';

@inline function weightOf(cw: usize, j: i32): f64 {
  return cw == 0 ? 1 : <f64>load<f32>(cw + (<usize>j << 2));
}

// w_j of the row whose target is k
function targetWeight(cw: usize, C: i32, k: i32, eps: f64, j: i32): f64 {
  return (eps * weightOf(cw, j)) / C + (j == k ? (1 - eps) * weightOf(cw, k) : 0);
}

function rowMax(row: usize, C: i32): f64 {
  let m: f64 = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, <f64>load<f32>(row + (<usize>j << 2)));
  return m;
}

// log(sum(exp(x - m)))
function logSumExpShifted(row: usize, C: i32, m: f64): f64 {
  let s: f64 = 0;
  for (let j = 0; j < C; j++) s += Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - m);
  return Math.log(s);
}

// Same arguments as cross_entropy_f32_task
export function cross_entropy_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<CrossEntropyArgs>(args);
  const loss = a.out, x = a.x, target = a.target, cw = a.classWeight;
  const M = a.M, C = a.C, ignoreIndex = a.ignoreIndex, eps = <f64>a.eps, scale = <f64>a.scale;
  const end = splitStart(M, tid + 1, nthreads);
  for (let i = splitStart(M, tid, nthreads); i < end; i++) {
    const row = x + ((<usize>i * C) << 2);
    const k = load<i32>(target + (<usize>i << 2));
    let total: f64 = 0;
    if (k != ignoreIndex) {
      const m = rowMax(row, C);
      if (m == -Infinity) {
        store<f32>(loss + (<usize>i << 2), Infinity);
        continue;
      }
      const logs = logSumExpShifted(row, C, m);
      for (let j = 0; j < C; j++) total -= targetWeight(cw, C, k, eps, j) * (<f64>load<f32>(row + (<usize>j << 2)) - m - logs);
    }
    store<f32>(loss + (<usize>i << 2), <f32>(total * scale));
  }
}

// Same arguments as cross_entropy_backward_f32_task
export function cross_entropy_backward_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<CrossEntropyArgs>(args);
  const dx = a.out, x = a.x, target = a.target, cw = a.classWeight, dloss = a.dloss;
  const M = a.M, C = a.C, ignoreIndex = a.ignoreIndex, eps = <f64>a.eps, scale = <f64>a.scale;
  const end = splitStart(M, tid + 1, nthreads);
  for (let i = splitStart(M, tid, nthreads); i < end; i++) {
    const row = x + ((<usize>i * C) << 2);
    const k = load<i32>(target + (<usize>i << 2));
    const g = <f64>load<f32>(dloss + (<usize>i << 2)) * scale;
    const m = rowMax(row, C);
    const logs = logSumExpShifted(row, C, m);
    const dead = k == ignoreIndex || m == -Infinity;
    let W: f64 = 0;
    for (let j = 0; j < C; j++) W += targetWeight(cw, C, k, eps, j);
    for (let j = 0; j < C; j++) {
      const p = Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - m - logs);
      store<f32>(dx + ((<usize>(i * C + j)) << 2), <f32>(dead ? g * 0 : g * (W * p - targetWeight(cw, C, k, eps, j))));
    }
  }
}
