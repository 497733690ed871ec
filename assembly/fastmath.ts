// exp, sigmoid and tanh on four lanes, each with a scalar twin made of the same IEEE operations in
// the same order. A kernel runs the lane form over full vectors and the twin over the tail, so an
// element gets the same bits wherever a thread split puts it. Plain mul and add only (never the
// relaxed madd), so the bits are also the same on every machine and flavour.
//
// exp is Cephes' expf scheme: x = n ln2 + r with |r| <= ln2/2, a degree-7 polynomial for e^r,
// and 2^n put straight into the exponent bits. Relative error about 2e-7.

// Inputs are clamped so that n stays in [-126, 127] and 2^n is a normal float.
const EXP_MAX: f32 = 88.0;
const EXP_MIN: f32 = -87.0;
const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two so that n * LN2_HI is exact for |n| <= 127.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const E5: f32 = 1.9875691500e-4;
const E4: f32 = 1.3981999507e-3;
const E3: f32 = 8.3334519073e-3;
const E2: f32 = 4.1665795894e-2;
const E1: f32 = 1.6666665459e-1;
const E0: f32 = 5.0000001201e-1;

// Below this |x|, tanh is an odd polynomial: 1 - 2/(e^2x + 1) would cancel away its digits.
const TANH_SMALL: f32 = 0.625;
const T4: f32 = -5.70498872745e-3;
const T3: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T1: f32 = 1.33314422036e-1;
const T0: f32 = -3.33332819422e-1;

const SIGN_BIT: i32 = 0x80000000;

/** e^x; 0 for x < -87 (where e^x is below the smallest normal float), e^88 for x > 88. */
export function expScalar(x: f32): f32 {
  const c = min<f32>(max<f32>(x, EXP_MIN), EXP_MAX);
  const n = nearest<f32>(c * LOG2E);
  const r = (c - n * LN2_HI) - n * LN2_LO;
  let p = E5 * r + E4;
  p = p * r + E3;
  p = p * r + E2;
  p = p * r + E1;
  p = p * r + E0;
  const y = (p * (r * r) + r) + <f32>1;
  const scale = reinterpret<f32>((<i32>n + 127) << 23);
  return x < EXP_MIN ? 0 : y * scale;
}

/** e^r of each lane for |r| <= ln2 / 2, the polynomial of expScalar. */
@inline function expReducedLanes(r: v128): v128 {
  let p = f32x4.add(f32x4.mul(f32x4.splat(E5), r), f32x4.splat(E4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E0));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  return y;
}

/** `expScalar` of each lane. */
@inline export function expLanes(x: v128): v128 {
  const c = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.nearest(f32x4.mul(c, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const y = expReducedLanes(r);
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, scale), f32x4.lt(x, f32x4.splat(EXP_MIN)));
}

// 1.5 * 2^23: adding it to |v| < 2^22 rounds v to an integer (ties to even, as nearest does) and
// leaves that integer in the low mantissa bits, where the exponent of 2^n can be taken from.
const ROUNDER: f32 = 12582912.0;
const ROUNDER_BITS: i32 = 0x4b400000;

/**
 * `expLanes` for softmax's exp(s - max), whose lanes are <= 0 (or masked away by the caller), in
 * fewer instructions: no upper clamp (a lane above 88 gives garbage), pmax (one instruction where
 * max must order NaN and -0) for the lower one, and the rounding by ROUNDER rather than nearest
 * and a saturating conversion. NaN stays NaN; -Infinity gives 0.
 */
@inline export function expLanesNonPositive(x: v128): v128 {
  const c = f32x4.pmax(x, f32x4.splat(EXP_MIN));
  const t = f32x4.add(f32x4.mul(c, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(t, f32x4.splat(ROUNDER));
  const r = f32x4.sub(f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  const y = expReducedLanes(r);
  const scale = i32x4.shl(i32x4.sub(t, i32x4.splat(ROUNDER_BITS - 127)), 23);
  return v128.andnot(f32x4.mul(y, scale), f32x4.lt(x, f32x4.splat(EXP_MIN)));
}

/** 1 / (1 + e^-x). */
export function sigmoidScalar(x: f32): f32 {
  return <f32>1 / (<f32>1 + expScalar(-x));
}

@inline export function sigmoidLanes(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expLanes(f32x4.neg(x))));
}

export function tanhScalar(x: f32): f32 {
  const ax = abs<f32>(x);
  if (ax < TANH_SMALL) {
    const z = x * x;
    let p = T4 * z + T3;
    p = p * z + T2;
    p = p * z + T1;
    p = p * z + T0;
    return (p * z) * x + x;
  }
  const big = <f32>1 - <f32>2 / (expScalar(ax + ax) + <f32>1);
  return reinterpret<f32>(reinterpret<i32>(big) | (reinterpret<i32>(x) & SIGN_BIT));
}

@inline export function tanhLanes(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T4), z), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(T0));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = f32x4.splat(1);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expLanes(f32x4.add(ax, ax)), one)));
  const signed = v128.or(big, v128.and(x, i32x4.splat(SIGN_BIT)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(TANH_SMALL)));
}
