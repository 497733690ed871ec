// Unary f32 maps and their fused backward kernels. p0 and p1 are the op's parameters:
// leaky_relu's slope, affine's (a, b), clamp's (lo, hi).
import { UnaryArgs, UnaryBackwardArgs } from './generated/args';
import { splitStart } from './split';
import {
  ABS, AFFINE, COS, EXP, GELU, GELU_TANH, LEAKY_RELU, LOG, NEG, RECIPROCAL, RELU, RSQRT, SIGMOID, SIGN, SIN, SQRT,
  SQUARE, TANH, CLAMP,
} from './generated/unary_ops';
import {
  vcos, vexp, vgeluErf, vgeluErfGrad, vgeluTanh, vgeluTanhGrad, vlog, vsigmoid, vsin, vtanh,
} from './vmath';

const ONE = f32x4.splat(1.0);
const ZERO = f32x4.splat(0.0);
const SIGN_BIT = i32x4.splat(0x80000000);

/** 1 with the sign of x where x is nonzero, else x itself: sign(±0) = ±0, sign(NaN) = NaN. */
@inline function vsign(x: v128): v128 {
  const nonzero = v128.and(f32x4.ne(x, ZERO), f32x4.eq(x, x));
  return v128.bitselect(v128.or(ONE, v128.and(x, SIGN_BIT)), x, nonzero);
}

@inline function unaryVec(op: i32, x: v128, p0: v128, p1: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case EXP: return vexp(x);
    case LOG: return vlog(x);
    case SQRT: return f32x4.sqrt(x);
    case RSQRT: return f32x4.div(ONE, f32x4.sqrt(x));
    case SQUARE: return f32x4.mul(x, x);
    case RECIPROCAL: return f32x4.div(ONE, x);
    case RELU: return f32x4.max(x, ZERO);
    case LEAKY_RELU: return v128.bitselect(x, f32x4.mul(x, p0), f32x4.gt(x, ZERO));
    case SIGMOID: return vsigmoid(x);
    case TANH: return vtanh(x);
    case GELU_TANH: return vgeluTanh(x);
    case GELU: return vgeluErf(x);
    case SIN: return vsin(x);
    case COS: return vcos(x);
    case SIGN: return vsign(x);
    case AFFINE: return f32x4.add(f32x4.mul(x, p0), p1);
    default: return f32x4.min(f32x4.max(x, p0), p1); // CLAMP
  }
}

/**
 * dx = dy * f'(v), where v is the forward input x or output y, whichever gives the cheaper and
 * stabler formula (the TS side documents which): sigmoid, tanh, exp, sqrt, reciprocal and rsqrt
 * take y; the others take x (relu accepts either).
 */
@inline function backwardVec(op: i32, dy: v128, v: v128, p0: v128, p1: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(dy);
    case ABS: return f32x4.mul(dy, vsign(v));
    case EXP: return f32x4.mul(dy, v);
    case LOG: return f32x4.div(dy, v);
    case SQRT: return f32x4.div(f32x4.mul(dy, f32x4.splat(0.5)), v);
    case RSQRT: return f32x4.mul(f32x4.mul(dy, f32x4.splat(-0.5)), f32x4.mul(v, f32x4.mul(v, v)));
    case SQUARE: return f32x4.mul(dy, f32x4.add(v, v));
    case RECIPROCAL: return f32x4.neg(f32x4.mul(dy, f32x4.mul(v, v)));
    case RELU: return v128.and(dy, f32x4.gt(v, ZERO));
    case LEAKY_RELU: return v128.bitselect(dy, f32x4.mul(dy, p0), f32x4.gt(v, ZERO));
    case SIGMOID: return f32x4.mul(dy, f32x4.mul(v, f32x4.sub(ONE, v)));
    // (1 - y)(1 + y) rather than 1 - y^2, which cancels when |y| is near 1.
    case TANH: return f32x4.mul(dy, f32x4.mul(f32x4.sub(ONE, v), f32x4.add(ONE, v)));
    case GELU_TANH: return f32x4.mul(dy, vgeluTanhGrad(v));
    case GELU: return f32x4.mul(dy, vgeluErfGrad(v));
    case SIN: return f32x4.mul(dy, vcos(v));
    case COS: return f32x4.neg(f32x4.mul(dy, vsin(v)));
    case SIGN: return ZERO;
    case AFFINE: return f32x4.mul(dy, p0);
    default: return v128.and(dy, v128.and(f32x4.ge(v, p0), f32x4.le(v, p1))); // CLAMP
  }
}

// Tails go through the same vector code on a splat, so an element gets the same bits whichever
// thread's slice, and whichever position in it, it falls in.
@inline function unaryRange(op: i32, out: usize, x: usize, start: i32, end: i32, p0: v128, p1: v128): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, unaryVec(op, v128.load(x + at), p0, p1));
  }
  for (; i < end; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, f32x4.extract_lane(unaryVec(op, f32x4.splat(load<f32>(x + at)), p0, p1), 0));
  }
}

@inline function backwardRange(op: i32, dx: usize, dy: usize, v: usize, start: i32, end: i32, p0: v128, p1: v128): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, backwardVec(op, v128.load(dy + at), v128.load(v + at), p0, p1));
  }
  for (; i < end; i++) {
    const at = <usize>i << 2;
    const g = backwardVec(op, f32x4.splat(load<f32>(dy + at)), f32x4.splat(load<f32>(v + at)), p0, p1);
    store<f32>(dx + at, f32x4.extract_lane(g, 0));
  }
}

export function unary_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<UnaryArgs>(args);
  const out = a.out, x = a.x, n = a.n, op = a.op;
  const p0 = f32x4.splat(a.p0);
  const p1 = f32x4.splat(a.p1);
  const s = splitStart(n, tid, nthreads);
  const e = splitStart(n, tid + 1, nthreads);
  // Each case inlines the loop with a constant op, so the switch runs once, not per element.
  switch (op) {
    case NEG: unaryRange(NEG, out, x, s, e, p0, p1); break;
    case ABS: unaryRange(ABS, out, x, s, e, p0, p1); break;
    case EXP: unaryRange(EXP, out, x, s, e, p0, p1); break;
    case LOG: unaryRange(LOG, out, x, s, e, p0, p1); break;
    case SQRT: unaryRange(SQRT, out, x, s, e, p0, p1); break;
    case RSQRT: unaryRange(RSQRT, out, x, s, e, p0, p1); break;
    case SQUARE: unaryRange(SQUARE, out, x, s, e, p0, p1); break;
    case RECIPROCAL: unaryRange(RECIPROCAL, out, x, s, e, p0, p1); break;
    case RELU: unaryRange(RELU, out, x, s, e, p0, p1); break;
    case LEAKY_RELU: unaryRange(LEAKY_RELU, out, x, s, e, p0, p1); break;
    case SIGMOID: unaryRange(SIGMOID, out, x, s, e, p0, p1); break;
    case TANH: unaryRange(TANH, out, x, s, e, p0, p1); break;
    case GELU_TANH: unaryRange(GELU_TANH, out, x, s, e, p0, p1); break;
    case GELU: unaryRange(GELU, out, x, s, e, p0, p1); break;
    case SIN: unaryRange(SIN, out, x, s, e, p0, p1); break;
    case COS: unaryRange(COS, out, x, s, e, p0, p1); break;
    case SIGN: unaryRange(SIGN, out, x, s, e, p0, p1); break;
    case AFFINE: unaryRange(AFFINE, out, x, s, e, p0, p1); break;
    default: unaryRange(CLAMP, out, x, s, e, p0, p1);
  }
}

// v is the forward input or output, see backwardVec
export function unary_backward_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<UnaryBackwardArgs>(args);
  const dx = a.dx, dy = a.dy, v = a.v, n = a.n, op = a.op;
  const p0 = f32x4.splat(a.p0);
  const p1 = f32x4.splat(a.p1);
  const s = splitStart(n, tid, nthreads);
  const e = splitStart(n, tid + 1, nthreads);
  switch (op) {
    case NEG: backwardRange(NEG, dx, dy, v, s, e, p0, p1); break;
    case ABS: backwardRange(ABS, dx, dy, v, s, e, p0, p1); break;
    case EXP: backwardRange(EXP, dx, dy, v, s, e, p0, p1); break;
    case LOG: backwardRange(LOG, dx, dy, v, s, e, p0, p1); break;
    case SQRT: backwardRange(SQRT, dx, dy, v, s, e, p0, p1); break;
    case RSQRT: backwardRange(RSQRT, dx, dy, v, s, e, p0, p1); break;
    case SQUARE: backwardRange(SQUARE, dx, dy, v, s, e, p0, p1); break;
    case RECIPROCAL: backwardRange(RECIPROCAL, dx, dy, v, s, e, p0, p1); break;
    case RELU: backwardRange(RELU, dx, dy, v, s, e, p0, p1); break;
    case LEAKY_RELU: backwardRange(LEAKY_RELU, dx, dy, v, s, e, p0, p1); break;
    case SIGMOID: backwardRange(SIGMOID, dx, dy, v, s, e, p0, p1); break;
    case TANH: backwardRange(TANH, dx, dy, v, s, e, p0, p1); break;
    case GELU_TANH: backwardRange(GELU_TANH, dx, dy, v, s, e, p0, p1); break;
    case GELU: backwardRange(GELU, dx, dy, v, s, e, p0, p1); break;
    case SIN: backwardRange(SIN, dx, dy, v, s, e, p0, p1); break;
    case COS: backwardRange(COS, dx, dy, v, s, e, p0, p1); break;
    case SIGN: backwardRange(SIGN, dx, dy, v, s, e, p0, p1); break;
    case AFFINE: backwardRange(AFFINE, dx, dy, v, s, e, p0, p1); break;
    default: backwardRange(CLAMP, dx, dy, v, s, e, p0, p1);
  }
}
