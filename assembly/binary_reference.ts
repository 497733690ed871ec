// Scalar references for binary.ts: every output element is decoded to its N-D index and read
// through the strides on its own, one op at a time, with no collapsing or vector paths.
import { BinaryArgs } from './generated/args';
import { splitStart } from './split';
import { ADD, DIV, EQ, GE, GT, LE, LT, MAXIMUM, MINIMUM, MUL, NE, POW, SUB } from './generated/binary_ops';
import { product, stridedOffset } from './strided';

function opF32(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case POW: return <f32>Math.pow(<f64>a, <f64>b);
    case MAXIMUM: return a != a || b != b ? NaN : max(a, b);
    case MINIMUM: return a != a || b != b ? NaN : min(a, b);
    case EQ: return a == b ? 1 : 0;
    case NE: return a != b ? 1 : 0;
    case LT: return a < b ? 1 : 0;
    case LE: return a <= b ? 1 : 0;
    case GT: return a > b ? 1 : 0;
    default: return a >= b ? 1 : 0;
  }
}

function opI32(op: i32, a: i32, b: i32): i32 {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case MAXIMUM: return a > b ? a : b;
    case MINIMUM: return a < b ? a : b;
    case EQ: return reinterpret<i32>(<f32>(a == b ? 1 : 0));
    case NE: return reinterpret<i32>(<f32>(a != b ? 1 : 0));
    case LT: return reinterpret<i32>(<f32>(a < b ? 1 : 0));
    case LE: return reinterpret<i32>(<f32>(a <= b ? 1 : 0));
    case GT: return reinterpret<i32>(<f32>(a > b ? 1 : 0));
    default: return reinterpret<i32>(<f32>(a >= b ? 1 : 0));
  }
}

@inline function binaryReference(isInt: bool, args: BinaryArgs, tid: i32, nthreads: i32): void {
  const out = args.out, a = args.a, b = args.b, op = args.op, ndim = args.ndim;
  const shape = args.shape, aStrides = args.aStrides, bStrides = args.bStrides;
  const total = product(ndim, shape);
  const end = splitStart(total, tid + 1, nthreads);
  for (let i = splitStart(total, tid, nthreads); i < end; i++) {
    const pa = a + (<usize>stridedOffset(i, ndim, shape, aStrides) << 2);
    const pb = b + (<usize>stridedOffset(i, ndim, shape, bStrides) << 2);
    if (isInt) store<i32>(out + (<usize>i << 2), opI32(op, load<i32>(pa), load<i32>(pb)));
    else store<f32>(out + (<usize>i << 2), opF32(op, load<f32>(pa), load<f32>(pb)));
  }
}

export function binary_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  binaryReference(false, changetype<BinaryArgs>(args), tid, nthreads);
}

export function binary_i32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  binaryReference(true, changetype<BinaryArgs>(args), tid, nthreads);
}
