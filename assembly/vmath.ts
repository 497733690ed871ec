// Vectorised f32 transcendental functions, four lanes at a time. They are our own wasm code, so
// every engine computes the same bits; the host's Math never enters. Each lane's result depends
// only on that lane's input, so a value gives the same bits in a full vector and in a splat tail.
// Measured errors against f64 are in tests/kernels/elementwise.test.js.

const LOG2E: f32 = 1.44269504089;
// ln 2 split so that n * LN2_HI is exact for the |n| <= 150 that exp can meet.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const SQRT2: f32 = 1.41421356237;
const MIN_NORMAL: f32 = 1.17549435e-38;

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2^n for integer lanes n in [-126, 127], built directly in the exponent field. */
@inline function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/**
 * e^x. The argument is clamped to [-104, 89], where the result has already rounded to 0 or
 * overflowed to +inf, so the scale 2^n is applied as two factors that are always normal.
 * Taylor degree 7 on |r| <= ln2/2 leaves a truncation error below 1e-8.
 */
export function vexp(x: v128): v128 {
  const xc = f32x4.min(f32x4.max(x, splat(-104.0)), splat(89.0));
  const n = f32x4.nearest(f32x4.mul(xc, splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
  let p = f32x4.add(splat(1.0 / 720.0), f32x4.mul(r, splat(1.0 / 5040.0)));
  p = f32x4.add(splat(1.0 / 120.0), f32x4.mul(r, p));
  p = f32x4.add(splat(1.0 / 24.0), f32x4.mul(r, p));
  p = f32x4.add(splat(1.0 / 6.0), f32x4.mul(r, p));
  p = f32x4.add(splat(0.5), f32x4.mul(r, p));
  p = f32x4.add(f32x4.add(splat(1.0), r), f32x4.mul(f32x4.mul(r, r), p));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(n2));
}

/**
 * Natural log. x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1),
 * |s| <= 0.172, by its odd series to s^9. Subnormals are scaled by 2^23 first. log 0 = -inf,
 * log of a negative or NaN = NaN, log inf = inf.
 */
export function vlog(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, tiny);
  let e = i32x4.sub(i32x4.sub(v128.and(i32x4.shr_u(xs, 23), i32x4.splat(0xff)), i32x4.splat(127)),
    v128.and(tiny, i32x4.splat(23)));
  let m = v128.or(v128.and(xs, i32x4.splat(0x7fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, splat(SQRT2));
  m = v128.bitselect(f32x4.mul(m, splat(0.5)), m, big);
  e = i32x4.sub(e, big);
  const f = f32x4.sub(m, splat(1.0));
  const s = f32x4.div(f, f32x4.add(f, splat(2.0)));
  const s2 = f32x4.mul(s, s);
  let p = f32x4.add(splat(2.0 / 7.0), f32x4.mul(s2, splat(2.0 / 9.0)));
  p = f32x4.add(splat(2.0 / 5.0), f32x4.mul(s2, p));
  p = f32x4.add(splat(2.0 / 3.0), f32x4.mul(s2, p));
  const logm = f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, s2), p));
  const ef = f32x4.convert_i32x4_s(e);
  let y = f32x4.add(f32x4.mul(ef, splat(LN2_HI)), f32x4.add(logm, f32x4.mul(ef, splat(LN2_LO))));
  y = v128.bitselect(splat(Infinity), y, f32x4.eq(x, splat(Infinity)));
  y = v128.bitselect(splat(-Infinity), y, f32x4.eq(x, splat(0.0)));
  // x < 0 or x is NaN: neither comparison with zero holds.
  return v128.bitselect(splat(NaN), y, v128.not(f32x4.ge(x, splat(0.0))));
}

/**
 * tanh. Near zero, 1 - 2/(e^2x + 1) cancels, so |x| < 0.25 uses the odd Taylor series to x^11
 * (next term < 1e-10 relative); elsewhere that formula, with the sign put back.
 */
export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(splat(<f32>(-1382.0 / 155925.0)), f32x4.mul(x2, splat(<f32>(21844.0 / 6081075.0))));
  p = f32x4.add(splat(<f32>(62.0 / 2835.0)), f32x4.mul(x2, p));
  p = f32x4.add(splat(<f32>(-17.0 / 315.0)), f32x4.mul(x2, p));
  p = f32x4.add(splat(<f32>(2.0 / 15.0)), f32x4.mul(x2, p));
  p = f32x4.add(splat(<f32>(-1.0 / 3.0)), f32x4.mul(x2, p));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(x, x2), p));
  const e = vexp(f32x4.add(ax, ax));
  const large = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.25)));
}

/** 1 / (1 + e^-x): e^-x overflows to inf for very negative x, giving exactly 0. */
export function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), vexp(f32x4.neg(x))));
}

/** erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), odd in x. */
export function verf(x: v128): v128 {
  const ax = f32x4.abs(x);
  const t = f32x4.div(splat(1.0), f32x4.add(splat(1.0), f32x4.mul(ax, splat(0.3275911))));
  let p = f32x4.add(splat(-1.453152027), f32x4.mul(t, splat(1.061405429)));
  p = f32x4.add(splat(1.421413741), f32x4.mul(t, p));
  p = f32x4.add(splat(-0.284496736), f32x4.mul(t, p));
  p = f32x4.add(splat(0.254829592), f32x4.mul(t, p));
  const y = f32x4.sub(splat(1.0), f32x4.mul(f32x4.mul(t, p), vexp(f32x4.neg(f32x4.mul(ax, ax)))));
  return v128.or(y, v128.and(x, i32x4.splat(0x80000000)));
}

// pi/2 as a 33-bit head and a tail: n * PIO2_HI is exact in f64 for |n| < 2^20.
const PIO2_HI: f64 = 1.57079632673412561417;
const PIO2_LO: f64 = 6.07710050650619224932e-11;
const TWO_OVER_PI: f64 = 0.63661977236758134308;

/**
 * sin of two f64 lanes, shifted by `quarter` quarter turns (1 gives cos). The reduction to
 * |r| <= pi/4 and the Taylor polynomials (to r^11 and r^12, error < 1e-11) run in f64, so the
 * f32 result is accurate to about an ulp for |x| < 1e6; beyond, the reduction loses bits.
 */
function sinQuarter2(x: v128, quarter: i32): v128 {
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(TWO_OVER_PI)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(PIO2_HI))), f64x2.mul(n, f64x2.splat(PIO2_LO)));
  const r2 = f64x2.mul(r, r);
  let s = f64x2.add(f64x2.splat(1.0 / 362880.0), f64x2.mul(r2, f64x2.splat(-1.0 / 39916800.0)));
  s = f64x2.add(f64x2.splat(-1.0 / 5040.0), f64x2.mul(r2, s));
  s = f64x2.add(f64x2.splat(1.0 / 120.0), f64x2.mul(r2, s));
  s = f64x2.add(f64x2.splat(-1.0 / 6.0), f64x2.mul(r2, s));
  s = f64x2.add(r, f64x2.mul(f64x2.mul(r, r2), s));
  let c = f64x2.add(f64x2.splat(-1.0 / 3628800.0), f64x2.mul(r2, f64x2.splat(1.0 / 479001600.0)));
  c = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r2, c));
  c = f64x2.add(f64x2.splat(-1.0 / 720.0), f64x2.mul(r2, c));
  c = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r2, c));
  c = f64x2.add(f64x2.splat(-0.5), f64x2.mul(r2, c));
  c = f64x2.add(f64x2.splat(1.0), f64x2.mul(r2, c));
  const q = i64x2.extend_low_i32x4_s(i32x4.add(i32x4.trunc_sat_f64x2_s_zero(n), i32x4.splat(quarter)));
  const odd = i64x2.ne(v128.and(q, i64x2.splat(1)), i64x2.splat(0));
  const negate = i64x2.ne(v128.and(q, i64x2.splat(2)), i64x2.splat(0));
  const y = v128.bitselect(c, s, odd);
  return v128.bitselect(f64x2.neg(y), y, negate);
}

function sinQuarter(x: v128, quarter: i32): v128 {
  const lo = sinQuarter2(f64x2.promote_low_f32x4(x), quarter);
  const hi = sinQuarter2(f64x2.promote_low_f32x4(v128.shuffle<i32>(x, x, 2, 3, 2, 3)), quarter);
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

export function vsin(x: v128): v128 {
  return sinQuarter(x, 0);
}

export function vcos(x: v128): v128 {
  return sinQuarter(x, 1);
}

// gelu's tanh form, as PyTorch's approximate='tanh': 0.5 x (1 + tanh(k (x + c x^3))).
export const GELU_K: f32 = 0.7978845608028654; // sqrt(2/pi)
export const GELU_C: f32 = 0.044715;
const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

export function vgeluTanh(x: v128): v128 {
  const u = f32x4.mul(splat(GELU_K), f32x4.add(x, f32x4.mul(splat(GELU_C), f32x4.mul(x, f32x4.mul(x, x)))));
  return f32x4.mul(f32x4.mul(splat(0.5), x), f32x4.add(splat(1.0), vtanh(u)));
}

export function vgeluErf(x: v128): v128 {
  return f32x4.mul(f32x4.mul(splat(0.5), x), f32x4.add(splat(1.0), verf(f32x4.mul(x, splat(SQRT1_2)))));
}

/** d/dx of the tanh form: 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2), t = tanh(u). */
export function vgeluTanhGrad(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const u = f32x4.mul(splat(GELU_K), f32x4.add(x, f32x4.mul(splat(GELU_C), f32x4.mul(x, x2))));
  const t = vtanh(u);
  const du = f32x4.mul(splat(GELU_K), f32x4.add(splat(1.0), f32x4.mul(splat(3.0 * GELU_C), x2)));
  const left = f32x4.mul(splat(0.5), f32x4.add(splat(1.0), t));
  const right = f32x4.mul(f32x4.mul(f32x4.mul(splat(0.5), x), f32x4.sub(splat(1.0), f32x4.mul(t, t))), du);
  return f32x4.add(left, right);
}

/** d/dx of x Phi(x): Phi(x) + x phi(x). */
export function vgeluErfGrad(x: v128): v128 {
  const cdf = f32x4.mul(splat(0.5), f32x4.add(splat(1.0), verf(f32x4.mul(x, splat(SQRT1_2)))));
  const pdf = f32x4.mul(splat(INV_SQRT_2PI), vexp(f32x4.mul(splat(-0.5), f32x4.mul(x, x))));
  return f32x4.add(cdf, f32x4.mul(x, pdf));
}
