// Matrix products: matmul with NumPy rules, and linear (x W^T + b) with its bias fused into the
// GEMM. Gradients are GEMMs on transposed operands, which the kernel reads without copying.
import { gemm, matmul as matmulKernel } from '../kernels/gemm.js';
import { expectFloat, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { reduceTo } from './arithmetic.js';
import { sum } from './reduce.js';
import { reshape, squeeze, transpose, unsqueeze } from './views.js';
import { noGrad } from '../autograd/grad-mode.js';
import { defineOptions, noOptions } from '../options.js';

const MATMUL = noOptions('matmul');
const LINEAR = defineOptions<{ bias?: Tensor | null }>('linear', { bias: 'tensor|null' });

registerKernel({
  name: 'matmul',
  simd: true,
  threaded: true,
  onnx: ['MatMul'],
  method: true,
  options: MATMUL,
  forward: ([a, b]) => {
    expectFloat('matmul', a, b);
    return matmulKernel(a, b);
  },
});
registerGradient({
  name: 'matmul',
  // out = a @ b (batch dims broadcast): da = dy @ b^T, db = a^T @ dy, summed over broadcast batches
  backward: (dy, { inputs: [a, b] }) => [
    a.requiresGrad ? productTo(dy, b, false, a.shape) : null,
    b.requiresGrad ? productTo(a, dy, true, b.shape) : null,
  ],
});

/** dy @ other^T (or other^T @ dy when `transposeFirst`), summed down to `shape`. */
function productTo(x: Tensor, y: Tensor, transposeFirst: boolean, shape: readonly number[]): Tensor {
  return noGrad(() => {
    const p = transposeFirst ? matmulKernel(transpose(x), y) : matmulKernel(x, transpose(y));
    return reduceTo(p, shape);
  });
}

/**
 * Matrix product with NumPy/PyTorch rules: a 1-D a is a row vector and a 1-D b a column vector
 * (the added dim is dropped again), and dims before the last two broadcast as batch dims.
 */
export function matmul(a: Tensor, b: Tensor, ...none: []): Tensor {
  MATMUL.fromArguments(none);
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.ndim === 0) throw new ShapeError(`matmul: ${name} must have at least 1 dim, got shape ${formatShape(t.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmul(unsqueeze(a, 0), unsqueeze(b, -1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, -1)), -1);
  return runOp('matmul', [a, b]);
}

registerKernel({
  name: 'linear',
  simd: true,
  threaded: true,
  onnx: ['Gemm'],
  options: LINEAR,
  forward: ([x, w, b]) => {
    expectFloat('linear', x, w, ...(b ? [b] : []));
    return gemm({ a: x, b: w, transB: true, bias: b });
  },
});
registerGradient({
  name: 'linear',
  // out = x @ w^T + b, x is (N, in), w is (out, in), b is (out)
  backward: (dy, { inputs: [x, w, b] }) => [
    x.requiresGrad ? gemm({ a: dy, b: w }) : null,
    w.requiresGrad ? gemm({ a: dy, b: x, transA: true }) : null,
    b?.requiresGrad ? sum(dy, 0) : null,
  ],
});

/**
 * x W^T + b, as torch.nn.functional.linear: x is (..., in), W is (out, in), b is (out).
 */
export function linear(x: Tensor, w: Tensor, ...args: [bias?: Tensor | null] | [{ bias?: Tensor | null }]): Tensor {
  const b = LINEAR.fromArguments(args).bias ?? undefined;
  if (w.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== w.shape[1] || (b && (b.ndim !== 1 || b.shape[0] !== w.shape[0]))) {
    throw new ShapeError(
      `linear: input ${formatShape(x.shape)}, weight ${formatShape(w.shape)}` +
        (b ? `, bias ${formatShape(b.shape)}` : '') +
        `; expected input (..., in), weight (out, in) and bias (out)`,
    );
  }
  if (x.ndim === 2) return runOp('linear', b ? [x, w, b] : [x, w]);
  const flat = reshape(x, [-1, w.shape[1]]);
  const y = runOp('linear', b ? [flat, w, b] : [flat, w]);
  return reshape(y, [...x.shape.slice(0, -1), w.shape[0]]);
}
