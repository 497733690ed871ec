import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from '../../dist/bindings/kernels/softmax.js';
import { SIZES, assertClose, assertThreadInvariant, maxError, uniform } from './compare.js';

const TOL = { abs: 2e-7, rel: 5e-7 };
const LOG_TOL = { abs: 1e-6, rel: 5e-7 };

function check(x, axis, label, worst) {
  const dy = uniform(x.shape, 77);
  for (const [fn, back, tol] of [[softmax, softmaxBackward, TOL], [logSoftmax, logSoftmaxBackward, LOG_TOL]]) {
    const y = fn(x, axis);
    const yRef = fn(x, axis, 'reference');
    assertClose(y.toArray(), yRef.toArray(), tol, `${fn.name} ${label}`);
    const dx = back(yRef, dy, axis);
    assertClose(dx.toArray(), back(yRef, dy, axis, 'reference').toArray(), LOG_TOL, `${back.name} ${label}`);
    const e = maxError(y.toArray(), yRef.toArray());
    worst[fn.name] = Math.max(worst[fn.name] ?? 0, e.abs);
  }
}

describe('kernels: softmax and log-softmax', () => {
  afterEach(async () => wg.setNumThreads(2));

  for (const shape of [[4, 6, 9], [3, 5, 2, 7]]) {
    it(`every axis of ${JSON.stringify(shape)}, forward and backward, matches the reference`, () => {
      const x = uniform(shape, 1, -6, 6);
      const worst = {};
      for (let axis = -shape.length; axis < shape.length; axis++) check(x, axis, `axis ${axis}`, worst);
      console.log(`      ${JSON.stringify(shape)}: max abs error softmax ${worst.softmax.toExponential(2)}, logSoftmax ${worst.logSoftmax.toExponential(2)}`);
    });
  }

  it('covers lengths 1..257 along the last and a middle axis', () => {
    const worst = {};
    for (const n of SIZES) {
      check(uniform([3, n], n, -10, 10), -1, `[3, ${n}]`, worst);
      check(uniform([2, n, 5], n, -10, 10), 1, `[2, ${n}, 5]`, worst);
    }
  });

  it('rows sum to 1, and the backward formulas hold, against plain JS in f64', () => {
    const x = uniform([5, 33], 3, -4, 4);
    const dy = uniform([5, 33], 4);
    const y = softmax(x).toArray();
    const dx = softmaxBackward(softmax(x), dy).toArray();
    const ldx = logSoftmaxBackward(logSoftmax(x), dy).toArray();
    const g = dy.toArray();
    for (let r = 0; r < 5; r++) {
      const row = Array.from(y.subarray(r * 33, r * 33 + 33));
      assert.ok(Math.abs(row.reduce((p, q) => p + q, 0) - 1) < 1e-6);
      const gr = g.subarray(r * 33, r * 33 + 33);
      const dot = row.reduce((p, q, i) => p + q * gr[i], 0);
      const sum = gr.reduce((p, q) => p + q, 0);
      for (let i = 0; i < 33; i++) {
        assert.ok(Math.abs(dx[r * 33 + i] - row[i] * (gr[i] - dot)) < 1e-6);
        assert.ok(Math.abs(ldx[r * 33 + i] - (gr[i] - row[i] * sum)) < 1e-5);
      }
    }
  });

  it('logits of 1e4 do not overflow', () => {
    const x = wg.tensor([[1e4, -1e4, 0, 9999], [1e4, 1e4, 1e4, 1e4]]);
    const y = Array.from(softmax(x).toArray());
    const want = [1 / (1 + Math.exp(-1)), 0, 0, Math.exp(-1) / (1 + Math.exp(-1)), 0.25, 0.25, 0.25, 0.25];
    y.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `softmax[${i}] = ${v}, expected ${want[i]}`));
    const l = Array.from(logSoftmax(x).toArray());
    assert.ok(l.every(Number.isFinite));
    assert.ok(Math.abs(l[1] - (-2e4 - Math.log(1 + Math.exp(-1)))) < 1e-2);
    assert.ok(Math.abs(l[4] + Math.log(4)) < 1e-6);
  });

  it('a row that is all -Infinity gives softmax 0, log-softmax -Infinity, and no NaN in backward', () => {
    for (const axis of [-1, 0]) {
      const x = axis === -1 ? wg.tensor([[-Infinity, -Infinity, -Infinity], [0, -Infinity, 1]]) : wg.tensor([[-Infinity, 0], [-Infinity, -Infinity], [-Infinity, 1]]);
      const y = softmax(x, axis);
      const l = logSoftmax(x, axis);
      const dead = axis === -1 ? [0, 1, 2] : [0, 2, 4];
      for (const i of dead) {
        assert.equal(y.toArray()[i], 0);
        assert.equal(l.toArray()[i], -Infinity);
      }
      assert.ok(y.toArray().every((v) => !Number.isNaN(v)));
      const dy = wg.ones(x.shape);
      assert.ok(softmaxBackward(y, dy, axis).toArray().every((v) => !Number.isNaN(v)));
      const ld = logSoftmaxBackward(l, dy, axis).toArray();
      assert.ok(ld.every((v) => !Number.isNaN(v)));
      for (const i of dead) assert.equal(ld[i], 1);
    }
  });

  it('gives the same bits on 1, 2 and 3 threads', async () => {
    const x = uniform([257, 301], 5, -8, 8);
    const dy = uniform([257, 301], 6);
    for (const axis of [1, 0]) {
      await assertThreadInvariant(() => softmax(x, axis), `softmax axis ${axis}`);
      await assertThreadInvariant(() => logSoftmax(x, axis), `logSoftmax axis ${axis}`);
      await assertThreadInvariant(() => softmaxBackward(x, dy, axis), `softmaxBackward axis ${axis}`);
      await assertThreadInvariant(() => logSoftmaxBackward(x, dy, axis), `logSoftmaxBackward axis ${axis}`);
    }
  });

  it('refuses an axis out of range, int32 and mismatched backward shapes', () => {
    assert.throws(() => softmax(uniform([2, 3], 1), 2), (e) => e instanceof wg.ArgumentError && /softmax: axis 2/.test(e.message));
    assert.throws(() => logSoftmax(wg.tensor(new Int32Array([1, 2]))), wg.DTypeError);
    assert.throws(() => softmaxBackward(uniform([2, 3], 1), uniform([3, 2], 2)), (e) => e instanceof wg.ShapeError && /\[2, 3\].*\[3, 2\]/.test(e.message));
  });
});
