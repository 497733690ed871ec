// Per op: the input range it is tested over and the tolerance against the f64 reference.
// Exact ops must match the reference to the bit; the polynomial ones are held to a few ulps.
export const UNARY_CASES = {
  neg: { range: [-10, 10], tol: {} },
  abs: { range: [-10, 10], tol: {} },
  exp: { range: [-87, 88], tol: { rel: 3e-7 } },
  log: { range: [1e-6, 1e6], tol: { abs: 1e-7, rel: 2e-7 } },
  sqrt: { range: [0, 100], tol: {} },
  rsqrt: { range: [1e-3, 100], tol: { rel: 1.2e-7 } },
  square: { range: [-10, 10], tol: {} },
  reciprocal: { range: [0.01, 10], tol: {} },
  relu: { range: [-10, 10], tol: {} },
  leaky_relu: { range: [-10, 10], tol: {}, params: { slope: 0.2 } },
  sigmoid: { range: [-30, 30], tol: { rel: 3e-7 } },
  tanh: { range: [-10, 10], tol: { abs: 1e-8, rel: 3e-7 } },
  gelu_tanh: { range: [-8, 8], tol: { abs: 3e-7, rel: 3e-7 } },
  gelu: { range: [-8, 8], tol: { abs: 6e-7, rel: 3e-7 } },
  sin: { range: [-100, 100], tol: { abs: 6e-8 } },
  cos: { range: [-100, 100], tol: { abs: 6e-8 } },
  sign: { range: [-2, 2], tol: {} },
  affine: { range: [-10, 10], tol: { rel: 1.2e-7, abs: 1e-7 }, params: { a: 1.7, b: -0.3 } },
  clamp: { range: [-10, 10], tol: {}, params: { lo: -1.5, hi: 2.25 } },
};
