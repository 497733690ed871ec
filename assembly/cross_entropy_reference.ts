// Scalar reference for cross_entropy.ts, in f64 with AssemblyScript's Math, straight from the
// definitions of w, loss and dx given there.
import { argF32, argI32, argPtr, splitStart } from './args';

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
  const loss = argPtr(args, 0);
  const x = argPtr(args, 1);
  const target = argPtr(args, 2);
  const cw = argPtr(args, 3);
  const M = argI32(args, 4);
  const C = argI32(args, 5);
  const ignoreIndex = argI32(args, 6);
  const eps = <f64>argF32(args, 7);
  const scale = <f64>argF32(args, 8);
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
  const dx = argPtr(args, 0);
  const x = argPtr(args, 1);
  const target = argPtr(args, 2);
  const cw = argPtr(args, 3);
  const dloss = argPtr(args, 4);
  const M = argI32(args, 5);
  const C = argI32(args, 6);
  const ignoreIndex = argI32(args, 7);
  const eps = <f64>argF32(args, 8);
  const scale = <f64>argF32(args, 9);
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
