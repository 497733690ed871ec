import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { REDUCE_OPS, reduce, sumTo } from '../../dist/bindings/kernels/reduce.js';
import { SIZES, assertClose, assertThreadInvariant, maxError, uniform } from './compare.js';

const FLOAT_OPS = ['sum', 'mean', 'sumsq', 'max', 'min'];
const ARG_OPS = ['argmax', 'argmin'];

/** Pairwise f32 sums differ from the f64 reference by rounding only: a few ulps of sum(|x|). */
function checkAgainstReference(op, x, axis, label) {
  const got = reduce(op, x, axis);
  const want = reduce(op, x, axis, false, 'reference');
  assert.deepEqual(got.shape, want.shape, `${label} shape`);
  if (op === 'max' || op === 'min' || ARG_OPS.includes(op)) {
    assert.deepEqual(got.toArray(), want.toArray(), label);
    return { abs: 0, rel: 0 };
  }
  const L = axis === undefined ? x.size : x.shape.at(axis);
  assertClose(got.toArray(), want.toArray(), { abs: 4e-7 * (op === 'mean' ? 1 : L), rel: 4e-7 }, label);
  return maxError(got.toArray(), want.toArray());
}

describe('kernels: reductions', () => {
  afterEach(async () => wg.setNumThreads(2));

  for (const shape of [[5, 7, 9], [3, 4, 5, 6]]) {
    it(`every op over every axis of ${JSON.stringify(shape)} matches the reference`, () => {
      const x = uniform(shape, shape.length);
      for (const op of Object.keys(REDUCE_OPS)) {
        let worst = 0;
        for (let axis = -shape.length; axis < shape.length; axis++) {
          worst = Math.max(worst, checkAgainstReference(op, x, axis, `${op} axis ${axis}`).abs);
        }
        if (worst > 0) console.log(`      ${op} ${JSON.stringify(shape)}: max abs error ${worst.toExponential(2)}`);
      }
    });
  }

  it('covers row and column lengths 1..257 with vector tails', () => {
    for (const n of SIZES) {
      for (const [shape, axis] of [[[3, n], 1], [[n, 5], 0], [[2, n, 3], 1], [[2, 3, n], 0], [[n], 0]]) {
        const x = uniform(shape, n);
        for (const op of [...FLOAT_OPS, ...ARG_OPS]) checkAgainstReference(op, x, axis, `${op} ${JSON.stringify(shape)} axis ${axis}`);
      }
    }
  });

  it('keepdim, negative axes, several axes and the full reduction give the right shapes and values', () => {
    const x = uniform([2, 3, 4], 1);
    const v = x.toArray();
    assert.deepEqual(reduce('sum', x, 1, true).shape, [2, 1, 4]);
    assert.deepEqual(reduce('sum', x, -1).shape, [2, 3]);
    assert.deepEqual(reduce('max', x, [0, 2]).shape, [3]);
    assert.deepEqual(reduce('max', x, [2, 0], true).shape, [1, 3, 1]);
    assert.deepEqual(reduce('sum', x).shape, []);
    assert.deepEqual(reduce('sum', x, undefined, true).shape, [1, 1, 1]);
    const m = reduce('max', x, [0, 2]).toArray();
    for (let j = 0; j < 3; j++) {
      let best = -Infinity;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) best = Math.max(best, v[i * 12 + j * 4 + k]);
      assert.equal(m[j], best);
    }
    const mean = reduce('mean', x, [0, 2]).toArray();
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s += v[i * 12 + j * 4 + k];
      assert.ok(Math.abs(mean[j] - s / 8) < 1e-6);
    }
    const am = reduce('argmax', x).item();
    assert.equal(v[am], Math.max(...v));
    assert.equal(reduce('sum', wg.tensor(2.5)).item(), 2.5);
  });

  it('sums 1e6 values within 1e-6 relative of the f64 sum, with the same bits on 1, 2 and 3 threads', async () => {
    const x = uniform([1000000], 11, 0, 1);
    const v = x.toArray();
    let exact = 0;
    let naive = Math.fround(0);
    for (const q of v) {
      exact += q;
      naive = Math.fround(naive + q);
    }
    const got = reduce('sum', x).item();
    const rel = Math.abs(got - exact) / exact;
    console.log(`      sum of 1e6: relative error ${rel.toExponential(2)} (a sequential f32 sum: ${(Math.abs(naive - exact) / exact).toExponential(2)})`);
    assert.ok(rel < 1e-6, `relative error ${rel}`);
    await assertThreadInvariant(() => reduce('sum', x), 'sum of 1e6');
    await assertThreadInvariant(() => reduce('sumsq', x), 'sumsq of 1e6');
    await assertThreadInvariant(() => reduce('max', x), 'max of 1e6');
    const rows = uniform([3, 20011], 12);
    await assertThreadInvariant(() => reduce('mean', rows, 1), 'mean of long rows');
    await assertThreadInvariant(() => reduce('sum', uniform([301, 517], 13), 0), 'column sums');
    await assertThreadInvariant(() => reduce('argmin', uniform([517, 301], 14), 1), 'argmin rows');
  });

  it('the split long-row path gives the bits of the one-thread path', async () => {
    const x = uniform([2, 50000], 15);
    for (const op of FLOAT_OPS) {
      await wg.setNumThreads(1);
      const one = reduce(op, x, 1).toArray();
      await wg.setNumThreads(3);
      assert.deepEqual(reduce(op, x, 1).toArray(), one, op);
      checkAgainstReference(op, x, 1, `${op} long rows`);
    }
  });

  it('max propagates NaN; argmax takes the first maximum, and a NaN counts as the maximum', () => {
    assert.ok(Number.isNaN(reduce('max', wg.tensor([1, NaN, 3, 2, 5, 6])).item()));
    assert.equal(reduce('argmax', wg.tensor([1, 7, 3, 7, 5])).item(), 1);
    assert.equal(reduce('argmin', wg.tensor([4, 1, 3, 1])).item(), 1);
    assert.equal(reduce('argmax', wg.tensor([1, NaN, 9, NaN])).item(), 1);
    assert.deepEqual(Array.from(reduce('argmax', wg.tensor([[1, 5], [9, 2], [9, 8]]), 0).toArray()), [1, 2]);
  });

  it('refuses an axis out of range, int32, an empty axis for max, and two axes for argmax', () => {
    const x = uniform([2, 3], 1);
    assert.throws(() => reduce('sum', x, 2), (e) => e instanceof wg.ArgumentError && /axis 2 is out of range.*rank 2/.test(e.message));
    assert.throws(() => reduce('sum', x, [0, -2]), (e) => e instanceof wg.ArgumentError && /repeat/.test(e.message));
    assert.throws(() => reduce('sum', wg.tensor(new Int32Array([1, 2]))), (e) => e instanceof wg.DTypeError && /float32/.test(e.message));
    assert.throws(() => reduce('max', wg.zeros([2, 0]), 1), wg.ShapeError);
    assert.throws(() => reduce('argmax', x, [0, 1]), wg.ArgumentError);
    assert.throws(() => reduce('median', x), wg.ArgumentError);
    assert.equal(reduce('sum', wg.zeros([2, 0]), 1).toArray().join(), '0,0');
  });
});

describe('kernels: sumTo', () => {
  const cases = [
    [[4, 3], [3]], [[4, 3], [4, 1]], [[4, 3], [1, 3]], [[2, 3, 4], [3, 1]], [[2, 3, 4], []],
    [[2, 3, 4], [1, 1, 4]], [[2, 3, 4], [2, 3, 4]], [[5, 1, 6], [1, 6]],
  ];
  for (const [from, to] of cases) {
    it(`${JSON.stringify(from)} -> ${JSON.stringify(to)}`, () => {
      const x = uniform(from, from.length + to.length);
      const got = sumTo(x, to);
      assert.deepEqual(got.shape, to);
      // Plain JS: add each element into the target cell its index maps to.
      const v = x.toArray();
      const want = new Float64Array(to.reduce((p, d) => p * d, 1));
      const idx = new Array(from.length).fill(0);
      for (let i = 0; i < v.length; i++) {
        let at = 0;
        for (let d = 0; d < to.length; d++) at = at * to[d] + (to[d] === 1 ? 0 : idx[from.length - to.length + d]);
        want[at] += v[i];
        for (let d = from.length - 1; d >= 0 && ++idx[d] === from[d]; d--) idx[d] = 0;
      }
      assertClose(got.toArray(), want, { abs: 1e-6, rel: 1e-6 }, 'sumTo');
    });
  }

  it('refuses a shape that does not broadcast to the input', () => {
    assert.throws(() => sumTo(uniform([4, 3], 1), [2, 3]), (e) => e instanceof wg.ShapeError && /sumTo/.test(e.message));
    assert.throws(() => sumTo(uniform([3], 1), [2, 3]), wg.ShapeError);
  });
});
