// Reductions over one axis of a contiguous tensor seen as (outer, L, inner): out[o, i] reduces
// x[o, :, i]. Every output is reduced by one thread in an order fixed by L alone (threads split the
// outputs), so the bits never depend on the thread count.
//
// Sums are pairwise: a row of length L is split in halves (at multiples of 16) down to leaves of
// at most LEAF elements, which 16 lanes accumulate. The error then grows like log L, not L. A long
// row (L >= 8192, PARALLEL_MIN_LEN in bindings/kernels/reduce.ts: long enough that the tree is full
// to depth 4 with LEAF = 256) that would leave threads idle can instead be cut at depth 4 of the
// same tree: reduce_partial_f32 computes the 16 subtrees, reduce_combine_f32 joins them as the
// tree does, and the result has the same bits as the one-thread path.
import { ReduceArgs, ReduceCombineArgs, ReducePartialArgs } from './generated/args';
import { splitStart } from './split';
import { rowExtreme } from './extreme';
import { loadLanes, storeLanes } from './lanes';
import { ARGMAX, ARGMIN, MAX, MEAN, MIN, SUM, SUMSQ } from './generated/reduce_ops';

const LEAF = 256;
const COLUMN_LEAF = 16;
const PARTS_LOG2 = 4;
const PARTS = 1 << PARTS_LOG2;

@inline function half(n: i32): i32 {
  return ((n >> 1) + 15) & ~15;
}

@inline function square(v: v128, sq: bool): v128 {
  return sq ? f32x4.mul(v, v) : v;
}

// x is (n) contiguous
function leafSum(x: usize, n: i32, sq: bool): f32 {
  let a0 = f32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    a0 = f32x4.add(a0, square(v128.load(p), sq));
    a1 = f32x4.add(a1, square(v128.load(p, 16), sq));
    a2 = f32x4.add(a2, square(v128.load(p, 32), sq));
    a3 = f32x4.add(a3, square(v128.load(p, 48), sq));
  }
  let acc = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  for (; i + 4 <= n; i += 4) acc = f32x4.add(acc, square(v128.load(x + (<usize>i << 2)), sq));
  let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    s += sq ? v * v : v;
  }
  return s;
}

// x is (n) contiguous
function pairwiseSum(x: usize, n: i32, sq: bool): f32 {
  if (n <= LEAF) return leafSum(x, n, sq);
  const h = half(n);
  return pairwiseSum(x, h, sq) + pairwiseSum(x + (<usize>h << 2), n - h, sq);
}

/** True when v should replace best as the arg-extreme: strictly better, or the first NaN. */
@inline function beats(v: f32, best: f32, isMax: bool): bool {
  return (isMax ? v > best : v < best) || (v != v && best == best);
}

// x is (n) with a stride of `stride` bytes; the first index of the max (min), NaN counting as the extreme
function argExtreme(x: usize, n: i32, stride: usize, isMax: bool): i32 {
  let best = load<f32>(x);
  let at = 0;
  for (let k = 1; k < n; k++) {
    const v = load<f32>(x + <usize>k * stride);
    if (beats(v, best, isMax)) {
      best = v;
      at = k;
    }
  }
  return at;
}

// x is (n, inner) with rows `stride` bytes apart; sums 4 columns (vec) or 1 (splat) pairwise over n
function columnSum(x: usize, n: i32, stride: usize, vec: bool, sq: bool): v128 {
  if (n > COLUMN_LEAF) {
    const h = n >> 1;
    return f32x4.add(columnSum(x, h, stride, vec, sq), columnSum(x + <usize>h * stride, n - h, stride, vec, sq));
  }
  let acc = f32x4.splat(0);
  for (let k = 0; k < n; k++) acc = f32x4.add(acc, square(loadLanes(x + <usize>k * stride, vec), sq));
  return acc;
}

// x is (n, inner) with rows `stride` bytes apart
function columnExtreme(x: usize, n: i32, stride: usize, vec: bool, isMax: bool): v128 {
  let acc = f32x4.splat(isMax ? -Infinity : Infinity);
  for (let k = 0; k < n; k++) {
    const v = loadLanes(x + <usize>k * stride, vec);
    acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
  }
  return acc;
}

// x is (n, inner) with rows `stride` bytes apart: 4 columns (vec) or 1 (splat)
@inline function columns(op: i32, x: usize, n: i32, stride: usize, vec: bool): v128 {
  switch (op) {
    case SUM: return columnSum(x, n, stride, vec, false);
    case MEAN: return f32x4.div(columnSum(x, n, stride, vec, false), f32x4.splat(<f32>n));
    case SUMSQ: return columnSum(x, n, stride, vec, true);
    case MAX: return columnExtreme(x, n, stride, vec, true);
    default: return columnExtreme(x, n, stride, vec, false); // MIN
  }
}

// x is (n) contiguous
function row(op: i32, x: usize, n: i32): f32 {
  switch (op) {
    case SUM: return pairwiseSum(x, n, false);
    case MEAN: return pairwiseSum(x, n, false) / <f32>n;
    case SUMSQ: return pairwiseSum(x, n, true);
    case MAX: return rowExtreme(x, n, true);
    default: return rowExtreme(x, n, false); // MIN
  }
}

// out is (outer, inner): float32, or int32 for ARGMAX/ARGMIN; x is (outer, L, inner)
export function reduce_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ReduceArgs>(args);
  const out = a.out, x = a.x, outer = a.outer, L = a.len, inner = a.inner, op = a.op;
  const total = outer * inner;
  const end = splitStart(total, tid + 1, nthreads);
  const stride = <usize>inner << 2;
  let i = splitStart(total, tid, nthreads);
  if (op == ARGMAX || op == ARGMIN) {
    for (; i < end; i++) {
      const o = i / inner;
      const src = x + ((<usize>o * L * inner + <usize>(i - o * inner)) << 2);
      store<i32>(out + (<usize>i << 2), argExtreme(src, L, stride, op == ARGMAX));
    }
    return;
  }
  if (inner == 1) {
    for (; i < end; i++) store<f32>(out + (<usize>i << 2), row(op, x + ((<usize>i * L) << 2), L));
    return;
  }
  while (i < end) {
    const o = i / inner;
    const c0 = i - o * inner;
    const n = min(inner - c0, end - i);
    const src = x + ((<usize>o * L * inner + <usize>c0) << 2);
    const dst = out + (<usize>i << 2);
    let c = 0;
    for (; c + 4 <= n; c += 4) storeLanes(dst + (<usize>c << 2), columns(op, src + (<usize>c << 2), L, stride, true), true);
    for (; c < n; c++) storeLanes(dst + (<usize>c << 2), columns(op, src + (<usize>c << 2), L, stride, false), false);
    i += n;
  }
}

/** Start and length of subtree `part` at depth PARTS_LOG2 of the pairwise tree over n elements. */
@inline function partStart(n: i32, part: i32): i64 {
  let start = 0;
  let len = n;
  for (let level = PARTS_LOG2 - 1; level >= 0; level--) {
    const h = half(len);
    if ((part >> level) & 1) {
      start += h;
      len -= h;
    } else {
      len = h;
    }
  }
  return (<i64>start << 32) | <i64>len;
}

// partials is (rows, PARTS); x is (rows, L) with L >= 8192; op is SUM, MEAN, SUMSQ, MAX or MIN
export function reduce_partial_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ReducePartialArgs>(args);
  const partials = a.partials, x = a.x, rows = a.rows, L = a.len, op = a.op;
  const end = splitStart(rows * PARTS, tid + 1, nthreads);
  for (let i = splitStart(rows * PARTS, tid, nthreads); i < end; i++) {
    const r = i >> PARTS_LOG2;
    const span = partStart(L, i & (PARTS - 1));
    const src = x + ((<usize>r * L + <usize>(span >> 32)) << 2);
    const len = <i32>span;
    let v: f32;
    if (op == MAX || op == MIN) v = rowExtreme(src, len, op == MAX);
    else v = pairwiseSum(src, len, op == SUMSQ);
    store<f32>(partials + (<usize>i << 2), v);
  }
}

// p is (n) contiguous, n a power of two: the top of the pairwise tree, joined as pairwiseSum does
function joinParts(p: usize, n: i32): f32 {
  if (n == 1) return load<f32>(p);
  const h = n >> 1;
  return joinParts(p, h) + joinParts(p + (<usize>h << 2), h);
}

// out is (rows); partials is (rows, PARTS) from reduce_partial_f32 with the same L and op
export function reduce_combine_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<ReduceCombineArgs>(args);
  const out = a.out, partials = a.partials, rows = a.rows, L = a.len, op = a.op;
  const end = splitStart(rows, tid + 1, nthreads);
  for (let r = splitStart(rows, tid, nthreads); r < end; r++) {
    const p = partials + ((<usize>r * PARTS) << 2);
    let v: f32;
    if (op == MAX || op == MIN) v = rowExtreme(p, PARTS, op == MAX);
    else v = joinParts(p, PARTS);
    store<f32>(out + (<usize>r << 2), op == MEAN ? v / <f32>L : v);
  }
}
