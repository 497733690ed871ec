import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { batchNorm2dBackward, batchNorm2dEvalForward, batchNorm2dTrainForward } from '../../dist/bindings/kernels/batchnorm.js';
import { assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, numericalGradient, randn } from './nchw-helpers.js';

/** Per-channel float64 mean and biased variance of (N, C, ...) data. */
function moments(xs, [N, C]) {
  const S = xs.length / (N * C);
  const mean = new Float64Array(C), variance = new Float64Array(C);
  const at = (n, c, s) => xs[(n * C + c) * S + s];
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) mean[c] += at(n, c, s);
    mean[c] /= N * S;
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) variance[c] += (at(n, c, s) - mean[c]) ** 2;
    variance[c] /= N * S;
  }
  return { mean, variance, S };
}

const SHAPES = [[4, 3, 5, 7], [2, 5, 3, 3], [8, 6], [3, 4, 9], [1, 2, 1, 3]];

describe('batchnorm kernels: training forward', () => {
  for (const shape of SHAPES) {
    it(`x ${JSON.stringify(shape)}: statistics, output and running statistics`, () => {
      const C = shape[1];
      const x = randn(shape), gamma = randn([C]), beta = randn([C]);
      const xs = x.toArray();
      const rm0 = randn([C]).toArray(), rv0 = wg.rand([C], { seed: 3 }).toArray();
      const runningMean = wg.tensor(rm0, [C]), runningVar = wg.tensor(rv0, [C]);
      const eps = 1e-3, momentum = 0.2;
      const { y, mean, invstd } = batchNorm2dTrainForward(x, { weight: gamma, bias: beta, runningMean, runningVar, eps, momentum });
      const { mean: m, variance: v, S } = moments(xs, shape);
      const count = shape[0] * S;
      assertClose(mean.toArray(), m, 4 * F32_EPS, 'mean');
      assertClose(invstd.toArray(), Array.from(v, (vv) => 1 / Math.sqrt(vv + eps)), 4 * F32_EPS, 'invstd');
      const g = gamma.toArray(), b = beta.toArray();
      const want = Array.from(xs, (xv, i) => {
        const c = Math.floor(i / S) % C;
        return ((xv - m[c]) / Math.sqrt(v[c] + eps)) * g[c] + b[c];
      });
      assertClose(y.toArray(), want, 16 * F32_EPS, 'y');
      assertClose(runningMean.toArray(), Array.from(m, (mm, c) => 0.8 * rm0[c] + 0.2 * mm), 4 * F32_EPS, 'runningMean');
      assertClose(runningVar.toArray(), Array.from(v, (vv, c) => 0.8 * rv0[c] + (0.2 * vv * count) / (count - 1)), 4 * F32_EPS, 'runningVar');

      const ref = batchNorm2dTrainForward(x, { weight: gamma, bias: beta, eps, momentum, kernel: 'reference' });
      assertClose(y.toArray(), ref.y.toArray(), 8 * F32_EPS, 'y vs reference');
      assertClose(mean.toArray(), ref.mean.toArray(), 2 * F32_EPS, 'mean vs reference');
    });
  }

  it('without weight and bias: zero mean, unit variance per channel', () => {
    const x = randn([6, 2, 4, 4]);
    const { y } = batchNorm2dTrainForward(x, { eps: 0 });
    const { mean, variance } = moments(y.toArray(), [6, 2]);
    assertClose(mean, [0, 0], 1e-6, 'mean');
    assertClose(variance, [1, 1], 1e-5, 'variance');
  });
});

describe('batchnorm kernels: eval forward', () => {
  for (const shape of SHAPES) {
    it(`x ${JSON.stringify(shape)}: against the reference and float64`, () => {
      const C = shape[1];
      const x = randn(shape), gamma = randn([C]), beta = randn([C]), rm = randn([C]);
      const rv = wg.rand([C], { seed: 11, low: 0.5, high: 2 });
      const y = batchNorm2dEvalForward(x, rm, rv, { weight: gamma, bias: beta });
      assertBitEqual(y, batchNorm2dEvalForward(x, rm, rv, { weight: gamma, bias: beta, kernel: 'reference' }), 'vs reference');
      const [g, b, m, v] = [gamma, beta, rm, rv].map((t) => t.toArray());
      const S = x.size / (shape[0] * C);
      const want = Array.from(x.toArray(), (xv, i) => {
        const c = Math.floor(i / S) % C;
        return ((xv - m[c]) / Math.sqrt(v[c] + 1e-5)) * g[c] + b[c];
      });
      assertClose(y.toArray(), want, 16 * F32_EPS, 'y');
    });
  }
});

describe('batchnorm kernels: backward', () => {
  for (const shape of SHAPES) {
    it(`x ${JSON.stringify(shape)}: against the reference`, () => {
      const C = shape[1];
      const x = randn(shape), gamma = randn([C]), dy = randn(shape);
      const { mean, invstd } = batchNorm2dTrainForward(x, { weight: gamma });
      const ours = batchNorm2dBackward(dy, x, mean, invstd, gamma);
      const ref = batchNorm2dBackward(dy, x, mean, invstd, gamma, true, 'reference');
      assertClose(ours.dx.toArray(), ref.dx.toArray(), 64 * F32_EPS, 'dx');
      assertClose(ours.dweight.toArray(), ref.dweight.toArray(), 8 * F32_EPS, 'dweight');
      assertClose(ours.dbias.toArray(), ref.dbias.toArray(), 8 * F32_EPS, 'dbias');
    });
  }

  it('matches central differences of the training forward', () => {
    const shape = [3, 2, 2, 3];
    const x = randn(shape), gamma = randn([2]), beta = randn([2]);
    const { y, mean, invstd } = batchNorm2dTrainForward(x, { weight: gamma, bias: beta });
    const r = randn(y.shape).toArray();
    const { dx, dweight, dbias } = batchNorm2dBackward(wg.tensor(r, shape), x, mean, invstd, gamma);
    const h = 1e-2;
    const numDx = numericalGradient(x.toArray(), shape, r, (t) => batchNorm2dTrainForward(t, { weight: gamma, bias: beta }).y, h);
    assertClose(dx.toArray(), numDx, 2e-3, 'dx');
    const numDw = numericalGradient(gamma.toArray(), [2], r, (t) => batchNorm2dTrainForward(x, { weight: t, bias: beta }).y, h);
    assertClose(dweight.toArray(), numDw, 2e-3, 'dweight');
    const numDb = numericalGradient(beta.toArray(), [2], r, (t) => batchNorm2dTrainForward(x, { weight: gamma, bias: t }).y, h);
    assertClose(dbias.toArray(), numDb, 2e-3, 'dbias');
  });

  it('without weight, and without dx', () => {
    const x = randn([2, 3, 4]), dy = randn([2, 3, 4]);
    const { mean, invstd } = batchNorm2dTrainForward(x);
    const ones = wg.ones([3]);
    const a = batchNorm2dBackward(dy, x, mean, invstd, null);
    assertBitEqual(a.dx, batchNorm2dBackward(dy, x, mean, invstd, ones).dx, 'absent weight is 1');
    const b = batchNorm2dBackward(dy, x, mean, invstd, null, false);
    assert.equal(b.dx, null);
    assertBitEqual(b.dweight, a.dweight, 'dweight');
  });
});

describe('batchnorm kernels: the same bits for 1, 2 and 3 threads', () => {
  it('training forward, eval forward, backward', async () => {
    const shape = [8, 12, 33, 31];
    const x = randn(shape), gamma = randn([12]), beta = randn([12]), dy = randn(shape);
    const rv = wg.rand([12], { seed: 5, low: 0.5, high: 2 });
    await assertSameForThreadCounts(() => {
      const runningMean = wg.zeros([12]), runningVar = wg.ones([12]);
      const t = batchNorm2dTrainForward(x, { weight: gamma, bias: beta, runningMean, runningVar });
      const g = batchNorm2dBackward(dy, x, t.mean, t.invstd, gamma);
      return [t.y, t.mean, t.invstd, runningMean, runningVar, batchNorm2dEvalForward(x, beta, rv, { weight: gamma }), g.dx, g.dweight, g.dbias];
    });
  });
});

describe('batchnorm kernels: argument errors', () => {
  const throwsWith = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), pattern.toString());
  it('names the op, the shapes and the expectation', () => {
    const x = randn([2, 3, 4, 4]);
    throwsWith(() => batchNorm2dTrainForward(randn([1, 3, 1, 1])), wg.ShapeError, /expected more than 1 value per channel when training, got input \[1, 3, 1, 1\]/);
    throwsWith(() => batchNorm2dTrainForward(x, { weight: randn([4]) }), wg.ShapeError, /weight must have shape \[3\] \(one per channel\), got \[4\]/);
    throwsWith(() => batchNorm2dTrainForward(x, { momentum: NaN }), wg.ArgumentError, /momentum must be a finite number/);
    throwsWith(() => batchNorm2dEvalForward(x, randn([3]), null), wg.ArgumentError, /needs runningMean and runningVar/);
    throwsWith(() => batchNorm2dTrainForward(randn([5])), wg.ShapeError, /x must be at least 2-D/);
    const { mean, invstd } = batchNorm2dTrainForward(x);
    throwsWith(() => batchNorm2dBackward(randn([2, 3, 4, 5]), x, mean, invstd), wg.ShapeError, /dy must have shape \[2, 3, 4, 4\]/);
  });
});
