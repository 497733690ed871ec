// Property tests of the dense families (GEMM, elementwise, reductions, softmax, optimizers):
// random shapes, layouts, hyperparameters and values, each SIMD kernel held to its scalar
// reference at the tolerance its own kernel test states. The spatial and sequence families have
// their own files (properties-*.test.js).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as wg from '../../dist/bindings/index.js';
import { gemm } from '../../dist/bindings/kernels/gemm.js';
import { BINARY_OPS, UNARY_OPS, binary, unary } from '../../dist/bindings/kernels/elementwise.js';
import { REDUCE_OPS, reduce } from '../../dist/bindings/kernels/reduce.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../../dist/bindings/kernels/softmax.js';
import { adagradTask, adamTask, sgdTask } from '../../dist/bindings/runtime/generated/kernel-args.js';
import { assertClose } from '../kernels/compare.js';
import { UNARY_CASES } from '../kernels/unary-cases.js';
import { check, dim, RUNS, seed, shapeOf, values } from './property-check.js';

const F32_EPS = 2 ** -23;

describe(`property tests (${RUNS} cases per family)`, () => {
  it('GEMM with transposes, alpha, beta and bias: SIMD equals the reference within a few ulps per term', () => {
    const arb = fc.record({
      M: dim(130), N: dim(130), K: dim(300), transA: fc.boolean(), transB: fc.boolean(),
      alpha: fc.constantFrom(1, -0.5, 2), beta: fc.constantFrom(0, 1, 0.25), bias: fc.boolean(), s: seed,
    });
    check('gemm', arb, ({ M, N, K, transA, transB, alpha, beta, bias, s }) => {
      const a = values(transA ? [K, M] : [M, K], s);
      const b = values(transB ? [N, K] : [K, N], s + 1);
      const c0 = values([M, N], s + 2);
      const extra = bias ? { bias: values([N], s + 3) } : {};
      const opts = { a, b, transA, transB, alpha, beta, ...extra };
      const got = gemm({ ...opts, c: wg.tensor(c0.toArray(), [M, N]) }).toArray();
      const want = gemm({ ...opts, c: wg.tensor(c0.toArray(), [M, N]), kernel: 'reference' }).toArray();
      const maxAbs = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assertClose(got, want, { abs: 4 * F32_EPS * (K + 2) * (1 + maxAbs) }, `gemm ${M}x${N}x${K} tA=${transA} tB=${transB}`);
    });
  });

  it('unary maps over random lengths and views: SIMD equals the reference at each op\'s tolerance', () => {
    const arb = fc.record({ op: fc.constantFrom(...Object.keys(UNARY_OPS)), n: dim(300), strided: fc.boolean(), s: seed });
    check('unary', arb, ({ op, n, strided, s }) => {
      const [lo, hi] = UNARY_CASES[op].range;
      const base = wg.rand([strided ? 2 * n : n], { seed: s, low: lo, high: hi });
      // A strided view goes through the gather-to-contiguous path first.
      const x = strided ? wg.narrow(wg.reshape(base, [n, 2]), 1, 1, 1) : base;
      const { params, tol } = UNARY_CASES[op];
      assertClose(unary(op, x, params).toArray(), unary(op, x, params, 'reference').toArray(), tol, `${op} n=${n}`);
    });
  });

  it('binary ops with NumPy broadcasting and transposed operands: bit-equal to the reference', () => {
    const arb = fc.record({
      op: fc.constantFrom(...Object.keys(BINARY_OPS)), shape: shapeOf([0, 4], 6),
      keepA: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), keepB: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      dropA: fc.integer({ min: 0, max: 4 }), dropB: fc.integer({ min: 0, max: 4 }), transposeA: fc.boolean(), s: seed,
    });
    check('binary', arb, ({ op, shape, keepA, keepB, dropA, dropB, transposeA, s }) => {
      // Each operand: the output shape with some dims set to 1 and some leading dims dropped.
      const operand = (keep, drop) => shape.map((d, i) => (keep[i] ? d : 1)).slice(Math.min(drop, shape.length));
      const sa = operand(keepA, dropA);
      const sb = operand(keepB, dropB);
      let a = values(transposeA && sa.length >= 2 ? [...sa.slice(0, -2), sa.at(-1), sa.at(-2)] : sa, s, 4);
      if (transposeA && sa.length >= 2) a = wg.transpose(a);
      // pow needs a positive base for real results; the others take any sign.
      if (op === 'pow') a = wg.abs(a);
      const b = values(sb, s + 1, op === 'pow' ? 2 : 4);
      const got = binary(op, a, b);
      assert.deepEqual(got.shape, binary(op, a, b, 'reference').shape);
      assertClose(got.toArray(), binary(op, a, b, 'reference').toArray(), {}, `${op} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`);
    });
  });

  it('reductions over random axis sets: sums within a few ulps per term, extremes and arg-extremes exact', () => {
    const arb = fc.record({
      op: fc.constantFrom(...Object.keys(REDUCE_OPS)), shape: shapeOf([1, 4], 9),
      axes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), keepdim: fc.boolean(), s: seed,
    });
    check('reduce', arb, ({ op, shape, axes, keepdim, s }) => {
      const arg = op === 'argmax' || op === 'argmin';
      // Arg-extremes take one axis; the others any non-empty set.
      let picked = shape.map((_, i) => i).filter((i) => axes[i]);
      if (picked.length === 0 || arg) picked = [picked[0] ?? shape.length - 1];
      const x = values(shape, s, 3);
      const got = reduce(op, x, picked, keepdim);
      const want = reduce(op, x, picked, keepdim, 'reference');
      assert.deepEqual(got.shape, want.shape);
      const L = picked.reduce((n, i) => n * shape[i], 1);
      const tol = ['max', 'min', 'argmax', 'argmin'].includes(op) ? {} : { abs: 4e-7 * (op === 'mean' ? 1 : L) * 9, rel: 4e-7 };
      assertClose(got.toArray(), want.toArray(), tol, `${op} over ${JSON.stringify(picked)} of ${JSON.stringify(shape)}`);
    });
  });

  it('softmax and log-softmax over a random axis, forward and backward, within the kernel test\'s tolerances', () => {
    const arb = fc.record({ shape: shapeOf([1, 4], 12), axis: fc.integer({ min: 0, max: 3 }), log: fc.boolean(), scale: fc.constantFrom(1, 10, 50), s: seed });
    check('softmax', arb, ({ shape, axis, log, scale, s }) => {
      const ax = axis % shape.length;
      const [fn, back, tol] = log ? [logSoftmax, logSoftmaxBackward, { abs: 1e-6, rel: 5e-7 }] : [softmax, softmaxBackward, { abs: 2e-7, rel: 5e-7 }];
      const x = values(shape, s, scale);
      const y = fn(x, ax);
      const yRef = fn(x, ax, 'reference');
      assertClose(y.toArray(), yRef.toArray(), tol, `${fn.name} axis ${ax} of ${JSON.stringify(shape)}`);
      const dy = values(shape, s + 1);
      assertClose(back(yRef, dy, ax).toArray(), back(yRef, dy, ax, 'reference').toArray(), { abs: 1e-6, rel: 5e-7 }, `${back.name}`);
    });
  });

  it('fused optimizer steps (SGD, Adam, Adagrad) with random hyperparameters: bit-equal to the scalar references', () => {
    const unit = fc.double({ min: 0, max: 0.999, noNaN: true });
    const arb = fc.record({
      task: fc.constantFrom('sgd', 'adam', 'adagrad'), n: dim(600), lr: fc.double({ min: 1e-5, max: 1, noNaN: true }),
      b1: unit, b2: unit, momentum: unit, dampening: unit, weightDecay: fc.constantFrom(0, 1e-2, 0.5),
      flags: fc.integer({ min: 0, max: 3 }), s: seed,
    });
    // Each kernel run on the pointers of the parameter, gradient and two state buffers.
    const steps = {
      sgd: (task, o, p, g, a) => sgdTask(task, {
        param: p, grad: g, buffer: a, n: o.n, lr: o.lr, momentum: o.momentum, dampening: o.dampening,
        weightDecay: o.weightDecay, nesterov: (o.flags & 1) === 1, firstStep: ((o.flags >> 1) & 1) === 1,
      }, o.n * 8),
      adam: (task, o, p, g, a, b) => adamTask(task, {
        lr: o.lr, beta1: o.b1, beta2: o.b2, eps: 1e-8, weightDecay: o.weightDecay, decoupled: (o.flags & 1) === 1,
        stepSize: o.lr / (1 - o.b1 ** 3 || 1), sqrtBiasCorrection2: Math.sqrt(1 - o.b2 ** 3) || 1,
        tensors: [{ param: p, grad: g, expAvg: a, expAvgSq: b, n: o.n }],
      }, o.n * 8),
      adagrad: (task, o, p, g, a) => adagradTask(task, {
        param: p, grad: g, stateSum: a, n: o.n, clr: o.lr, weightDecay: o.weightDecay, eps: 1e-10,
      }, o.n * 8),
    };
    check('optimizer', arb, (o) => {
      const run = (task) => {
        const t = [0, 1, 2, 3].map((i) => wg.rand([o.n], { seed: o.s + i, low: i >= 2 ? 0 : -1, high: 1 }));
        steps[o.task](task, o, ...t.map((x) => x.ptr()));
        return t.map((x) => x.toArray());
      };
      assert.deepEqual(run(o.task), run(`${o.task}_reference`), `${o.task} n=${o.n}`);
    });
  });
});
