// Scalar reference for reduce.ts: each output accumulated in f64 in index order, rounded once.
import { ReduceArgs } from './generated/args';
import { splitStart } from './split';
import { ARGMAX, ARGMIN, MAX, MEAN, MIN, SUM, SUMSQ } from './generated/reduce_ops';

// Same arguments as reduce_f32_task
export function reduce_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ReduceArgs>(args);
  const out = a.out, x = a.x, outer = a.outer, L = a.len, inner = a.inner, op = a.op;
  const total = outer * inner;
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const o = i / inner;
    const base = x + ((<usize>o * L * inner + <usize>(i - o * inner)) << 2);
    let acc: f64 = op == MAX ? -Infinity : op == MIN ? Infinity : 0;
    let at = 0;
    for (let k = 0; k < L; k++) {
      const v = <f64>load<f32>(base + ((<usize>k * inner) << 2));
      if (op == SUM || op == MEAN) acc += v;
      else if (op == SUMSQ) acc += v * v;
      else if (op == MAX || op == MIN) acc = acc != acc || v != v ? NaN : op == MAX ? Math.max(acc, v) : Math.min(acc, v);
      else if (k == 0 || (op == ARGMAX ? v > acc : v < acc) || (v != v && acc == acc)) {
        acc = v;
        at = k;
      }
    }
    if (op == ARGMAX || op == ARGMIN) store<i32>(out + (<usize>i << 2), at);
    else store<f32>(out + (<usize>i << 2), <f32>(op == MEAN ? acc / <f64>L : acc));
  }
}
