// Softmax and log-softmax over one axis of a contiguous tensor seen as (outer, L, inner), and their
// backward kernels. Stable: the max of each row is subtracted before exp. A row that is all -inf
// (every choice masked out) gives softmax 0 and log-softmax -inf, with no NaN; its backward gives
// dx = 0 (softmax) and dx = dy (log-softmax), what the formulas give at those outputs.
// Each row is one thread's, in an order fixed by L, so the bits do not depend on the thread count.
import { SoftmaxArgs, SoftmaxBackwardArgs } from './generated/args';
import { splitStart } from './split';
import { rowExtreme } from './extreme';
import { hsum, loadLanes, scalar, storeLanes } from './lanes';
import { vexp, vlog } from './vmath';

// y is (n), x is (n) contiguous
function softmaxRow(y: usize, x: usize, n: i32, isLog: bool): void {
  const m = rowExtreme(x, n, true);
  if (m == -Infinity) {
    const fill: f32 = isLog ? -Infinity : 0;
    for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), fill);
    return;
  }
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = vexp(f32x4.sub(v128.load(x + (<usize>i << 2)), vm));
    if (!isLog) v128.store(y + (<usize>i << 2), e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (; i < n; i++) {
    const e = scalar(vexp(f32x4.splat(load<f32>(x + (<usize>i << 2)) - m)));
    if (!isLog) store<f32>(y + (<usize>i << 2), e);
    s += e;
  }
  if (isLog) {
    const logs = scalar(vlog(f32x4.splat(s)));
    const vlogs = f32x4.splat(logs);
    for (i = 0; i + 4 <= n; i += 4) {
      v128.store(y + (<usize>i << 2), f32x4.sub(f32x4.sub(v128.load(x + (<usize>i << 2)), vm), vlogs));
    }
    for (; i < n; i++) store<f32>(y + (<usize>i << 2), (load<f32>(x + (<usize>i << 2)) - m) - logs);
    return;
  }
  const vs = f32x4.splat(s);
  for (i = 0; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), f32x4.div(v128.load(y + (<usize>i << 2)), vs));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) / s);
}

// y and x are (n, inner) with rows `stride` bytes apart: 4 columns (vec) or 1 (splat)
function softmaxColumns(y: usize, x: usize, n: i32, stride: usize, vec: bool, isLog: bool): void {
  let m = f32x4.splat(-Infinity);
  for (let k = 0; k < n; k++) m = f32x4.max(m, loadLanes(x + <usize>k * stride, vec));
  const dead = f32x4.eq(m, f32x4.splat(-Infinity));
  // A dead column subtracts 0 instead of -inf (which would give NaN), then is overwritten.
  const shift = v128.andnot(m, dead);
  let s = f32x4.splat(0);
  for (let k = 0; k < n; k++) {
    const at = <usize>k * stride;
    const e = vexp(f32x4.sub(loadLanes(x + at, vec), shift));
    if (!isLog) storeLanes(y + at, e, vec);
    s = f32x4.add(s, e);
  }
  const logs = vlog(s);
  for (let k = 0; k < n; k++) {
    const at = <usize>k * stride;
    const v = isLog
      ? v128.bitselect(f32x4.splat(-Infinity), f32x4.sub(f32x4.sub(loadLanes(x + at, vec), shift), logs), dead)
      : v128.andnot(f32x4.div(loadLanes(y + at, vec), s), dead);
    storeLanes(y + at, v, vec);
  }
}

// dx, y, dy are (n) contiguous. softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy)
function backwardRow(dx: usize, y: usize, dy: usize, n: i32, isLog: bool): void {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const g = v128.load(dy + (<usize>i << 2));
    acc = f32x4.add(acc, isLog ? g : f32x4.mul(g, v128.load(y + (<usize>i << 2))));
  }
  let s = hsum(acc);
  for (; i < n; i++) {
    const g = load<f32>(dy + (<usize>i << 2));
    s += isLog ? g : g * load<f32>(y + (<usize>i << 2));
  }
  const vs = f32x4.splat(s);
  for (i = 0; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, backwardLanes(v128.load(y + at), v128.load(dy + at), vs, isLog));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, scalar(backwardLanes(v128.load32_splat(y + at), v128.load32_splat(dy + at), vs, isLog)));
  }
}

@inline function backwardLanes(y: v128, g: v128, s: v128, isLog: bool): v128 {
  return isLog ? f32x4.sub(g, f32x4.mul(vexp(y), s)) : f32x4.mul(y, f32x4.sub(g, s));
}

// dx, y, dy are (n, inner) with rows `stride` bytes apart: 4 columns (vec) or 1 (splat)
function backwardColumns(dx: usize, y: usize, dy: usize, n: i32, stride: usize, vec: bool, isLog: bool): void {
  let s = f32x4.splat(0);
  for (let k = 0; k < n; k++) {
    const at = <usize>k * stride;
    const g = loadLanes(dy + at, vec);
    s = f32x4.add(s, isLog ? g : f32x4.mul(g, loadLanes(y + at, vec)));
  }
  for (let k = 0; k < n; k++) {
    const at = <usize>k * stride;
    storeLanes(dx + at, backwardLanes(loadLanes(y + at, vec), loadLanes(dy + at, vec), s, isLog), vec);
  }
}

/**
 * The thread split both passes share, over the outer * inner lines of L elements: with inner == 1
 * each line is a contiguous row; otherwise the lines are columns `inner` apart, four at a time
 * while four remain in the outer slice and in the thread's share, then one at a time. `backward` is
 * a constant at each call, so each task keeps only its own pass.
 */
@inline function eachLine(words: usize, tid: i32, nthreads: i32, backward: bool): void {
  const forwardArgs = changetype<SoftmaxArgs>(words), backwardArgs = changetype<SoftmaxBackwardArgs>(words);
  // The two argument blocks order their fields differently: out is y or dx, a is x or y, b is dy.
  const out = backward ? backwardArgs.dx : forwardArgs.y;
  const a = backward ? backwardArgs.y : forwardArgs.x;
  const b: usize = backward ? backwardArgs.dy : 0;
  const outer = backward ? backwardArgs.outer : forwardArgs.outer, L = backward ? backwardArgs.len : forwardArgs.len;
  const inner = backward ? backwardArgs.inner : forwardArgs.inner, isLog = backward ? backwardArgs.isLog : forwardArgs.isLog;
  const total = outer * inner;
  const end = splitStart(total, tid + 1, nthreads);
  let i = splitStart(total, tid, nthreads);
  if (inner == 1) {
    for (; i < end; i++) {
      const at = (<usize>i * L) << 2;
      if (backward) backwardRow(out + at, a + at, b + at, L, isLog);
      else softmaxRow(out + at, a + at, L, isLog);
    }
    return;
  }
  const stride = <usize>inner << 2;
  while (i < end) {
    const o = i / inner;
    const c0 = i - o * inner;
    const n = min(inner - c0, end - i);
    const base = (<usize>o * L * inner + <usize>c0) << 2;
    let c = 0;
    for (; c + 4 <= n; c += 4) columns(out, a, b, base + (<usize>c << 2), L, stride, true, isLog, backward);
    for (; c < n; c++) columns(out, a, b, base + (<usize>c << 2), L, stride, false, isLog, backward);
    i += n;
  }
}

// out, a, b are (L, inner) from byte `at`, rows `stride` bytes apart: 4 columns (vec) or 1
@inline function columns(out: usize, a: usize, b: usize, at: usize, L: i32, stride: usize, vec: bool, isLog: bool, backward: bool): void {
  if (backward) backwardColumns(out + at, a + at, b + at, L, stride, vec, isLog);
  else softmaxColumns(out + at, a + at, L, stride, vec, isLog);
}

// y is (outer, L, inner), x is (outer, L, inner)
export function softmax_f32_task(args: usize, tid: i32, nthreads: i32): void {
  eachLine(args, tid, nthreads, false);
}

// dx is (outer, L, inner), y the forward output (outer, L, inner), dy (outer, L, inner)
export function softmax_backward_f32_task(args: usize, tid: i32, nthreads: i32): void {
  eachLine(args, tid, nthreads, true);
}
