// Scalar reference for softmax.ts, in f64 with AssemblyScript's Math, one element at a time.
import { SoftmaxArgs, SoftmaxBackwardArgs } from './generated/args';
import { splitStart } from './split';

@inline function at(base: usize, k: i32, inner: i32): usize {
  return base + ((<usize>k * inner) << 2);
}

// Same arguments as softmax_f32_task
export function softmax_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<SoftmaxArgs>(args);
  const y = a.y, x = a.x, outer = a.outer, L = a.len, inner = a.inner, isLog = a.isLog;
  const end = splitStart(outer * inner, tid + 1, nthreads);
  for (let r = splitStart(outer * inner, tid, nthreads); r < end; r++) {
    const o = r / inner;
    const off = (<usize>o * L * inner + <usize>(r - o * inner)) << 2;
    let m: f64 = -Infinity;
    for (let k = 0; k < L; k++) m = Math.max(m, <f64>load<f32>(at(x + off, k, inner)));
    let s: f64 = 0;
    for (let k = 0; k < L; k++) s += Math.exp(<f64>load<f32>(at(x + off, k, inner)) - m);
    for (let k = 0; k < L; k++) {
      const v = <f64>load<f32>(at(x + off, k, inner)) - m;
      let out = isLog ? v - Math.log(s) : Math.exp(v) / s;
      if (m == -Infinity) out = isLog ? -Infinity : 0;
      store<f32>(at(y + off, k, inner), <f32>out);
    }
  }
}

// Same arguments as softmax_backward_f32_task
export function softmax_backward_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<SoftmaxBackwardArgs>(args);
  const dx = a.dx, y = a.y, dy = a.dy, outer = a.outer, L = a.len, inner = a.inner, isLog = a.isLog;
  const end = splitStart(outer * inner, tid + 1, nthreads);
  for (let r = splitStart(outer * inner, tid, nthreads); r < end; r++) {
    const o = r / inner;
    const off = (<usize>o * L * inner + <usize>(r - o * inner)) << 2;
    let s: f64 = 0;
    for (let k = 0; k < L; k++) {
      const g = <f64>load<f32>(at(dy + off, k, inner));
      s += isLog ? g : g * <f64>load<f32>(at(y + off, k, inner));
    }
    for (let k = 0; k < L; k++) {
      const g = <f64>load<f32>(at(dy + off, k, inner));
      const v = <f64>load<f32>(at(y + off, k, inner));
      store<f32>(at(dx + off, k, inner), <f32>(isLog ? g - Math.exp(v) * s : v * (g - s)));
    }
  }
}
