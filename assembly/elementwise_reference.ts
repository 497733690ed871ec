// Scalar references for elementwise.ts: one element at a time, in f64 with AssemblyScript's own
// Math, rounded to f32 once at the end. Tests hold the SIMD kernels to these.
import { UnaryArgs, UnaryBackwardArgs } from './generated/args';
import { splitStart } from './split';
import {
  ABS, AFFINE, COS, EXP, GELU, GELU_TANH, LEAKY_RELU, LOG, NEG, RECIPROCAL, RELU, RSQRT, SIGMOID, SIGN, SIN, SQRT,
  SQUARE, TANH,
} from './generated/unary_ops';

const SQRT1_2 = 0.7071067811865476;
const INV_SQRT_PI = 0.5641895835477563;
const GELU_K = 0.7978845608028654;
const GELU_C = 0.044715;

/**
 * erf in f64. |x| < 3: the series 2/sqrt(pi) e^{-x^2} sum (2x^2)^n x / (2n+1)!!, whose terms are
 * all positive (no cancellation). Beyond: erfc's continued fraction, evaluated bottom-up.
 */
function erf64(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax != ax) return x;
  let y: f64;
  if (ax < 3.0) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200 && term > 1e-18 * sum; n++) {
      term *= (2.0 * x2) / (2.0 * n + 1.0);
      sum += term;
    }
    y = 2.0 * INV_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    let k = ax;
    for (let n = 80; n >= 1; n--) k = ax + (<f64>n * 0.5) / k;
    y = 1.0 - (INV_SQRT_PI * Math.exp(-ax * ax)) / k;
  }
  return x < 0 ? -y : y;
}

function sign64(x: f64): f64 {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
}

function unaryRef(op: i32, x: f64, p0: f64, p1: f64): f64 {
  switch (op) {
    case NEG: return -x;
    case ABS: return Math.abs(x);
    case EXP: return Math.exp(x);
    case LOG: return Math.log(x);
    case SQRT: return Math.sqrt(x);
    case RSQRT: return 1.0 / Math.sqrt(x);
    case SQUARE: return x * x;
    case RECIPROCAL: return 1.0 / x;
    case RELU: return x != x ? x : x > 0 ? x : 0.0;
    case LEAKY_RELU: return x > 0 ? x : x * p0;
    case SIGMOID: return 1.0 / (1.0 + Math.exp(-x));
    case TANH: return Math.tanh(x);
    case GELU_TANH: return 0.5 * x * (1.0 + Math.tanh(GELU_K * (x + GELU_C * x * x * x)));
    case GELU: return 0.5 * x * (1.0 + erf64(x * SQRT1_2));
    case SIN: return Math.sin(x);
    case COS: return Math.cos(x);
    case SIGN: return sign64(x);
    case AFFINE: return x * p0 + p1;
    default: return x != x ? x : Math.min(Math.max(x, p0), p1); // CLAMP
  }
}

function backwardRef(op: i32, dy: f64, v: f64, p0: f64, p1: f64): f64 {
  switch (op) {
    case NEG: return -dy;
    case ABS: return dy * sign64(v);
    case EXP: return dy * v;
    case LOG: return dy / v;
    case SQRT: return (0.5 * dy) / v;
    case RSQRT: return -0.5 * dy * v * v * v;
    case SQUARE: return 2.0 * v * dy;
    case RECIPROCAL: return -dy * v * v;
    case RELU: return v > 0 ? dy : 0.0;
    case LEAKY_RELU: return v > 0 ? dy : dy * p0;
    case SIGMOID: return dy * v * (1.0 - v);
    case TANH: return dy * (1.0 - v * v);
    case GELU_TANH: {
      const t = Math.tanh(GELU_K * (v + GELU_C * v * v * v));
      return dy * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * GELU_K * (1.0 + 3.0 * GELU_C * v * v));
    }
    case GELU: {
      const pdf = INV_SQRT_PI * SQRT1_2 * Math.exp(-0.5 * v * v);
      return dy * (0.5 * (1.0 + erf64(v * SQRT1_2)) + v * pdf);
    }
    case SIN: return dy * Math.cos(v);
    case COS: return -dy * Math.sin(v);
    case SIGN: return 0.0;
    case AFFINE: return dy * p0;
    default: return v >= p0 && v <= p1 ? dy : 0.0; // CLAMP
  }
}

export function unary_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<UnaryArgs>(args);
  const out = a.out, x = a.x, n = a.n, op = a.op;
  const p0 = <f64>a.p0, p1 = <f64>a.p1;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, <f32>unaryRef(op, <f64>load<f32>(x + at), p0, p1));
  }
}

export function unary_backward_f32_reference_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<UnaryBackwardArgs>(args);
  const dx = a.dx, dy = a.dy, v = a.v, n = a.n, op = a.op;
  const p0 = <f64>a.p0, p1 = <f64>a.p1;
  const end = splitStart(n, tid + 1, nthreads);
  for (let i = splitStart(n, tid, nthreads); i < end; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, <f32>backwardRef(op, <f64>load<f32>(dy + at), <f64>load<f32>(v + at), p0, p1));
  }
}
