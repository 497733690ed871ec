// Binary ops with NumPy broadcasting, and where(cond, a, b). The TS side collapses the broadcast
// layout to as few dims as it can, so the common cases reach one SIMD loop over the last dim:
// same shapes (inner strides 1, 1), a scalar or a column on one side (1, 0 or 0, 1), a row bias
// (rows of 1, 1 with the bias's row stride 0). The inputs are contiguous, so inner strides are 0 or 1.
import { BinaryArgs, WhereArgs } from './generated/args';
import { splitStart } from './split';
import { ADD, DIV, EQ, GE, GT, LE, LT, MAXIMUM, MINIMUM, MUL, NE, POW, SUB } from './generated/binary_ops';
import { product, stridedOffset } from './strided';

const ONE = f32x4.splat(1.0);

/** Per lane in f64 with AssemblyScript's Math.pow: exact special cases, one rounding to f32. */
function vpow(a: v128, b: v128): v128 {
  let r = f32x4.splat(<f32>Math.pow(<f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, <f32>Math.pow(<f64>f32x4.extract_lane(a, 1), <f64>f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, <f32>Math.pow(<f64>f32x4.extract_lane(a, 2), <f64>f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, <f32>Math.pow(<f64>f32x4.extract_lane(a, 3), <f64>f32x4.extract_lane(b, 3)));
}

@inline function binaryVecF32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case POW: return vpow(a, b);
    case MAXIMUM: return f32x4.max(a, b);
    case MINIMUM: return f32x4.min(a, b);
    case EQ: return v128.and(f32x4.eq(a, b), ONE);
    case NE: return v128.and(f32x4.ne(a, b), ONE);
    case LT: return v128.and(f32x4.lt(a, b), ONE);
    case LE: return v128.and(f32x4.le(a, b), ONE);
    case GT: return v128.and(f32x4.gt(a, b), ONE);
    default: return v128.and(f32x4.ge(a, b), ONE); // GE
  }
}

// int32 ops wrap on overflow, as int32 tensors do elsewhere; DIV and POW never reach here.
@inline function binaryVecI32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return i32x4.add(a, b);
    case SUB: return i32x4.sub(a, b);
    case MUL: return i32x4.mul(a, b);
    case MAXIMUM: return i32x4.max_s(a, b);
    case MINIMUM: return i32x4.min_s(a, b);
    case EQ: return v128.and(i32x4.eq(a, b), ONE);
    case NE: return v128.and(i32x4.ne(a, b), ONE);
    case LT: return v128.and(i32x4.lt_s(a, b), ONE);
    case LE: return v128.and(i32x4.le_s(a, b), ONE);
    case GT: return v128.and(i32x4.gt_s(a, b), ONE);
    default: return v128.and(i32x4.ge_s(a, b), ONE); // GE
  }
}

@inline function binaryVec(op: i32, isInt: bool, a: v128, b: v128): v128 {
  return isInt ? binaryVecI32(op, a, b) : binaryVecF32(op, a, b);
}

// out is (n), a is (n) when aStep else one value, b likewise. Tails compute on a splat, so every
// element gets the same bits wherever a thread's slice starts.
@inline function segment(op: i32, isInt: bool, out: usize, a: usize, aStep: bool, b: usize, bStep: bool, n: i32): void {
  const aFixed = v128.load32_splat(a);
  const bFixed = v128.load32_splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const va = aStep ? v128.load(a + at) : aFixed;
    const vb = bStep ? v128.load(b + at) : bFixed;
    v128.store(out + at, binaryVec(op, isInt, va, vb));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const va = aStep ? v128.load32_splat(a + at) : aFixed;
    const vb = bStep ? v128.load32_splat(b + at) : bFixed;
    store<i32>(out + at, i32x4.extract_lane(binaryVec(op, isInt, va, vb), 0));
  }
}

@inline function binaryStrided(op: i32, isInt: bool, args: BinaryArgs, tid: i32, nthreads: i32): void {
  const out = args.out, a = args.a, b = args.b, ndim = args.ndim;
  const shape = args.shape, aStrides = args.aStrides, bStrides = args.bStrides;
  const total = product(ndim, shape);
  const inner = load<i32>(shape + (<usize>(ndim - 1) << 2));
  const aStep = load<i32>(aStrides + (<usize>(ndim - 1) << 2)) != 0;
  const bStep = load<i32>(bStrides + (<usize>(ndim - 1) << 2)) != 0;
  const end = splitStart(total, tid + 1, nthreads);
  let i = splitStart(total, tid, nthreads);
  while (i < end) {
    const n = min(inner - i % inner, end - i);
    const o = out + (<usize>i << 2);
    const pa = a + (<usize>stridedOffset(i, ndim, shape, aStrides) << 2);
    const pb = b + (<usize>stridedOffset(i, ndim, shape, bStrides) << 2);
    if (aStep && bStep) segment(op, isInt, o, pa, true, pb, true, n);
    else if (aStep) segment(op, isInt, o, pa, true, pb, false, n);
    else if (bStep) segment(op, isInt, o, pa, false, pb, true, n);
    else segment(op, isInt, o, pa, false, pb, false, n);
    i += n;
  }
}

export function binary_f32_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<BinaryArgs>(words);
  // Each case inlines the loops with a constant op, so the switch runs once per call.
  switch (args.op) {
    case ADD: binaryStrided(ADD, false, args, tid, nthreads); break;
    case SUB: binaryStrided(SUB, false, args, tid, nthreads); break;
    case MUL: binaryStrided(MUL, false, args, tid, nthreads); break;
    case DIV: binaryStrided(DIV, false, args, tid, nthreads); break;
    case POW: binaryStrided(POW, false, args, tid, nthreads); break;
    case MAXIMUM: binaryStrided(MAXIMUM, false, args, tid, nthreads); break;
    case MINIMUM: binaryStrided(MINIMUM, false, args, tid, nthreads); break;
    case EQ: binaryStrided(EQ, false, args, tid, nthreads); break;
    case NE: binaryStrided(NE, false, args, tid, nthreads); break;
    case LT: binaryStrided(LT, false, args, tid, nthreads); break;
    case LE: binaryStrided(LE, false, args, tid, nthreads); break;
    case GT: binaryStrided(GT, false, args, tid, nthreads); break;
    default: binaryStrided(GE, false, args, tid, nthreads);
  }
}

export function binary_i32_task(words: usize, tid: i32, nthreads: i32): void {
  const args = changetype<BinaryArgs>(words);
  switch (args.op) {
    case ADD: binaryStrided(ADD, true, args, tid, nthreads); break;
    case SUB: binaryStrided(SUB, true, args, tid, nthreads); break;
    case MUL: binaryStrided(MUL, true, args, tid, nthreads); break;
    case MAXIMUM: binaryStrided(MAXIMUM, true, args, tid, nthreads); break;
    case MINIMUM: binaryStrided(MINIMUM, true, args, tid, nthreads); break;
    case EQ: binaryStrided(EQ, true, args, tid, nthreads); break;
    case NE: binaryStrided(NE, true, args, tid, nthreads); break;
    case LT: binaryStrided(LT, true, args, tid, nthreads); break;
    case LE: binaryStrided(LE, true, args, tid, nthreads); break;
    case GT: binaryStrided(GT, true, args, tid, nthreads); break;
    default: binaryStrided(GE, true, args, tid, nthreads);
  }
}

// cond is float32 (true where != 0, so -0 is false) or int32 (true where != 0). a and b are any
// 4-byte dtype.
export function where_task(args: usize, tid: i32, nthreads: i32): void {
  const w = changetype<WhereArgs>(args);
  const out = w.out, cond = w.cond, a = w.a, b = w.b, condIsInt = w.condIsInt, ndim = w.ndim;
  const shape = w.shape, cStrides = w.condStrides, aStrides = w.aStrides, bStrides = w.bStrides;
  const total = product(ndim, shape);
  const last = <usize>(ndim - 1) << 2;
  const inner = load<i32>(shape + last);
  const cs = load<i32>(cStrides + last);
  const as = load<i32>(aStrides + last);
  const bs = load<i32>(bStrides + last);
  const end = splitStart(total, tid + 1, nthreads);
  let i = splitStart(total, tid, nthreads);
  while (i < end) {
    const n = min(inner - i % inner, end - i);
    const o = out + (<usize>i << 2);
    const pc = cond + (<usize>stridedOffset(i, ndim, shape, cStrides) << 2);
    const pa = a + (<usize>stridedOffset(i, ndim, shape, aStrides) << 2);
    const pb = b + (<usize>stridedOffset(i, ndim, shape, bStrides) << 2);
    let k = 0;
    if (cs == 1 && as == 1 && bs == 1) {
      for (; k + 4 <= n; k += 4) {
        const at = <usize>k << 2;
        const c = v128.load(pc + at);
        const mask = condIsInt ? i32x4.ne(c, i32x4.splat(0)) : f32x4.ne(c, f32x4.splat(0));
        v128.store(o + at, v128.bitselect(v128.load(pa + at), v128.load(pb + at), mask));
      }
    }
    for (; k < n; k++) {
      const c = condIsInt ? load<i32>(pc + (<usize>(k * cs) << 2)) != 0 : load<f32>(pc + (<usize>(k * cs) << 2)) != 0;
      store<i32>(o + (<usize>k << 2), load<i32>((c ? pa + (<usize>(k * as) << 2) : pb + (<usize>(k * bs) << 2))));
    }
    i += n;
  }
}
