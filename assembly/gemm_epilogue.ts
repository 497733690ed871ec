// What a GEMM does to each output after the product: C = act(alpha * A·B + beta * C + bias).
// The same scalar formulas serve the SIMD kernel's edge tiles and the scalar reference, and the
// vector forms below are lane-wise the same IEEE operations, so a value's bits never depend on
// which tile (full or edge) it fell in.

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_LEAKY_RELU = 2;
export const ACT_GELU = 3;
export const ACT_SIGMOID = 4;
export const ACT_TANH = 5;

// sqrt(2 / pi), for the tanh form of GELU.
const GELU_SCALE: f32 = 0.7978845608028654;
const GELU_CUBIC: f32 = 0.044715;

/** The activation of one value. AssemblyScript's own Mathf, never the host's, so every engine rounds alike. */
export function activate(x: f32, act: i32, slope: f32): f32 {
  switch (act) {
    case ACT_RELU:
      return max<f32>(x, 0);
    case ACT_LEAKY_RELU:
      return x > 0 ? x : x * slope;
    case ACT_GELU:
      return <f32>0.5 * x * (<f32>1 + Mathf.tanh(GELU_SCALE * (x + GELU_CUBIC * x * x * x)));
    case ACT_SIGMOID:
      return <f32>1 / (<f32>1 + Mathf.exp(-x));
    case ACT_TANH:
      return Mathf.tanh(x);
    default:
      return x;
  }
}

/** ReLU and leaky ReLU of four lanes; the same bits as `activate` on each lane. */
@inline export function activateCheapLanes(v: v128, act: i32, slope: f32): v128 {
  const zero = f32x4.splat(0);
  if (act == ACT_RELU) return f32x4.max(v, zero);
  return v128.bitselect(v, f32x4.mul(v, f32x4.splat(slope)), f32x4.gt(v, zero));
}

/** True for the activations that have lane-wise vector forms. */
@inline export function hasLaneForm(act: i32): bool {
  return act == ACT_RELU || act == ACT_LEAKY_RELU;
}
