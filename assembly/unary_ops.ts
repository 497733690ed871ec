// Op codes of the unary kernels, shared with bindings/kernels/elementwise.ts (UNARY_OPS).
// Not re-exported from index.ts: they are compile-time constants, not module exports.
export const NEG = 0;
export const ABS = 1;
export const EXP = 2;
export const LOG = 3;
export const SQRT = 4;
export const RSQRT = 5;
export const SQUARE = 6;
export const RECIPROCAL = 7;
export const RELU = 8;
export const LEAKY_RELU = 9;
export const SIGMOID = 10;
export const TANH = 11;
export const GELU_TANH = 12;
export const GELU_ERF = 13;
export const SIN = 14;
export const COS = 15;
export const SIGN = 16;
export const AFFINE = 17;
export const CLAMP = 18;
