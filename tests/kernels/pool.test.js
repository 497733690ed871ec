import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import {
  avgPool2dBackward, avgPool2dForward, globalAvgPool2dBackward, globalAvgPool2dForward, globalMaxPool2dForward,
  maxPool2dBackward, maxPool2dForward,
} from '../../dist/bindings/kernels/pool.js';
import { assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, numericalGradient, pair, randn, sides } from './nchw-helpers.js';

/** torch's pooling_output_shape with possibly different side paddings. */
function pooled(size, k, before, after, s, d, ceil) {
  let out = Math.floor((size + before + after - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + before) out--;
  return out;
}

/** Plain max / average pooling in float64 with torch's rules; returns { y, indices, shape }. */
function naivePool(kind, xs, [N, C, H, W], kernelSize, o = {}) {
  const [KH, KW] = pair(kernelSize);
  const [sh, sw] = pair(o.stride ?? kernelSize);
  const [dh, dw] = kind === 'max' ? pair(o.dilation ?? 1) : [1, 1];
  const [pt, pl, pb, pr] = sides(o.padding ?? 0);
  const OH = pooled(H, KH, pt, pb, sh, dh, o.ceilMode), OW = pooled(W, KW, pl, pr, sw, dw, o.ceilMode);
  const y = new Float64Array(N * C * OH * OW), indices = new Int32Array(y.length);
  for (let p = 0; p < N * C; p++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    let best = -Infinity, at = -1, sum = 0, inside = 0;
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const v = xs[p * H * W + ih * W + iw];
      sum += v;
      inside++;
      if (at < 0 || v > best || Number.isNaN(v)) [best, at] = [v, ih * W + iw];
    }
    const o2 = (p * OH + oh) * OW + ow;
    indices[o2] = at;
    if (kind === 'max') {
      y[o2] = best;
    } else {
      const h0 = oh * sh - pt, w0 = ow * sw - pl;
      const padded = (Math.min(h0 + KH, H + pb) - h0) * (Math.min(w0 + KW, W + pr) - w0);
      y[o2] = sum / (o.countIncludePad === false ? inside : padded);
    }
  }
  return { y, indices, shape: [N, C, OH, OW] };
}

const CASES = [
  { x: [2, 3, 7, 9], k: 3, opts: { stride: 2, padding: 1 } },
  { x: [1, 2, 10, 11], k: [3, 2], opts: { stride: [2, 3], padding: [1, 0], ceilMode: true } },
  { x: [1, 4, 6, 5], k: 2, opts: {} },
  { x: [2, 1, 9, 8], k: [2, 3], opts: { stride: 1, padding: [1, 1, 0, 1] } },
  { x: [1, 2, 5, 5], k: 2, opts: { stride: 2, ceilMode: true } },
  { x: [1, 3, 7, 7], k: 3, opts: { stride: 3, padding: 1, ceilMode: true } },
  { x: [3, 2, 1, 1], k: 1, opts: {} },
];
const MAX_ONLY = [{ x: [1, 2, 11, 9], k: 3, opts: { dilation: [2, 3], padding: [2, 1], stride: [2, 1] } }];

describe('pool kernels: max pooling', () => {
  for (const c of [...CASES, ...MAX_ONLY]) {
    it(`x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.opts)}: forward and backward`, () => {
      const x = randn(c.x);
      const { y, indices } = maxPool2dForward(x, c.k, c.opts);
      const ref = maxPool2dForward(x, c.k, { ...c.opts, kernel: 'reference' });
      assertBitEqual(y, ref.y, 'y vs reference');
      assertBitEqual(indices, ref.indices, 'indices vs reference');
      const want = naivePool('max', x.toArray(), c.x, c.k, c.opts);
      assert.deepEqual(y.shape, want.shape);
      assert.deepEqual([...y.toArray()], [...Float32Array.from(want.y)]);
      assert.deepEqual([...indices.toArray()], [...want.indices]);
      const dy = randn(y.shape);
      const dx = maxPool2dBackward(dy, indices, c.x);
      assertBitEqual(dx, maxPool2dBackward(dy, indices, c.x, 'reference'), 'dx vs reference');
      const expect = new Float32Array(dx.size);
      const [, , OH, OW] = y.shape;
      const plane = c.x[2] * c.x[3];
      dy.toArray().forEach((g, o) => {
        expect[Math.floor(o / (OH * OW)) * plane + want.indices[o]] += g;
      });
      assert.deepEqual([...dx.toArray()], [...expect]);
    });
  }

  it("torch's ceil-mode example: 5x5 arange, kernel 2, stride 2", () => {
    const x = wg.tensor(Float32Array.from({ length: 25 }, (_, i) => i), [1, 1, 5, 5]);
    const { y, indices } = maxPool2dForward(x, 2, { ceilMode: true });
    assert.deepEqual([...y.toArray()], [6, 8, 9, 16, 18, 19, 21, 23, 24]);
    assert.deepEqual([...indices.toArray()], [6, 8, 9, 16, 18, 19, 21, 23, 24]);
  });

  it('ties keep the first position; NaN wins', () => {
    const x = wg.tensor([1, 3, 3, 0, NaN, 2, 3, 1], [1, 1, 2, 4]);
    const { y, indices } = maxPool2dForward(x, 2);
    assert.deepEqual([...indices.toArray()], [4, 2]);
    assert.ok(Number.isNaN(y.toArray()[0]));
    assert.equal(y.toArray()[1], 3);
  });

  // Planes wide enough that runs of four whole windows take the SIMD path (strides 1 and 2), fed
  // small integers and NaNs so that ties and NaN rules are exercised lane by lane.
  for (const c of [
    { x: [2, 3, 6, 26], k: 2, opts: {} },
    { x: [1, 2, 7, 23], k: 3, opts: { stride: 1, padding: 1 } },
    { x: [1, 2, 9, 31], k: [2, 3], opts: { stride: 2, padding: [0, 1], dilation: [2, 2] } },
    { x: [1, 1, 5, 19], k: [3, 2], opts: { stride: [1, 2], ceilMode: true } },
  ]) {
    it(`wide x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.opts)}: ties and NaNs match the reference`, () => {
      const size = c.x.reduce((a, b) => a * b);
      const values = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 13 === 0 ? NaN : (i * 104729) % 5));
      const x = wg.tensor(values, c.x);
      const { y, indices } = maxPool2dForward(x, c.k, c.opts);
      const ref = maxPool2dForward(x, c.k, { ...c.opts, kernel: 'reference' });
      assertBitEqual(y, ref.y, 'y vs reference');
      assertBitEqual(indices, ref.indices, 'indices vs reference');
      const want = naivePool('max', values, c.x, c.k, c.opts);
      assert.deepEqual([...indices.toArray()], [...want.indices]);
    });
  }

  it('MaxPool2d(2) (its own kernel): widths 2..21 and odd heights, ties and NaNs, match the reference', () => {
    for (let W = 2; W <= 21; W++) {
      for (const H of [2, 5]) {
        const shape = [2, 3, H, W];
        const size = shape.reduce((a, b) => a * b);
        const values = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 11 === 0 ? NaN : (i * 104729) % 3));
        const x = wg.tensor(values, shape);
        const { y, indices } = maxPool2dForward(x, 2);
        const ref = maxPool2dForward(x, 2, { kernel: 'reference' });
        assertBitEqual(y, ref.y, `y vs reference, ${JSON.stringify(shape)}`);
        assertBitEqual(indices, ref.indices, `indices vs reference, ${JSON.stringify(shape)}`);
        assert.deepEqual([...indices.toArray()], [...naivePool('max', values, shape, 2).indices]);
      }
    }
  });

  it('backward matches central differences', () => {
    const shape = [1, 2, 5, 6];
    // Distinct values 0.05 apart in a shuffled order: no two within the step, so no max flips.
    const values = Array.from({ length: 60 }, (_, i) => 0.05 * i);
    for (let i = values.length - 1, state = 12345; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const j = state % (i + 1);
      [values[i], values[j]] = [values[j], values[i]];
    }
    const x = wg.tensor(values, shape);
    const opts = { stride: [2, 1], padding: 1 };
    const { y, indices } = maxPool2dForward(x, 3, opts);
    const r = randn(y.shape).toArray();
    const dx = maxPool2dBackward(wg.tensor(r, y.shape), indices, shape);
    const num = numericalGradient(x.toArray(), shape, r, (t) => maxPool2dForward(t, 3, opts).y, 1e-3);
    assertClose(dx.toArray(), num, 2e-3, 'dx');
  });

  it('global max pooling: the maximum of each plane and where it is', () => {
    const x = randn([2, 3, 4, 5]);
    const xs = x.toArray();
    const { y, indices } = globalMaxPool2dForward(x);
    assert.deepEqual(y.shape, [2, 3, 1, 1]);
    for (let p = 0; p < 6; p++) {
      const plane = xs.subarray(p * 20, p * 20 + 20);
      const m = Math.max(...plane);
      assert.equal(y.toArray()[p], m);
      assert.equal(indices.toArray()[p], plane.indexOf(m));
    }
    const dx = maxPool2dBackward(wg.ones([2, 3, 1, 1]), indices, [2, 3, 4, 5]).toArray();
    assert.equal(dx.reduce((s, v) => s + v, 0), 6);
  });
});

describe('pool kernels: average pooling', () => {
  for (const c of CASES) {
    for (const countIncludePad of [true, false]) {
      it(`x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.opts)} countIncludePad ${countIncludePad}`, () => {
        const opts = { ...c.opts, countIncludePad };
        const x = randn(c.x);
        const y = avgPool2dForward(x, c.k, opts);
        assertBitEqual(y, avgPool2dForward(x, c.k, { ...opts, kernel: 'reference' }), 'y vs reference');
        const want = naivePool('avg', x.toArray(), c.x, c.k, opts);
        assert.deepEqual(y.shape, want.shape);
        const [KH, KW] = pair(c.k);
        assertClose(y.toArray(), want.y, 4 * F32_EPS * KH * KW, 'y vs float64');
        const dy = randn(y.shape);
        const dx = avgPool2dBackward(dy, c.x, c.k, opts);
        assertBitEqual(dx, avgPool2dBackward(dy, c.x, c.k, { ...opts, kernel: 'reference' }), 'dx vs reference');
        const num = numericalGradient(x.toArray(), c.x, dy.toArray(), (t) => avgPool2dForward(t, c.k, opts), 0.5);
        assertClose(dx.toArray(), num, 1e-4, 'dx vs central differences');
      });
    }
  }

  it("torch's count_include_pad example: 4x4 ones, kernel 3, stride 2, padding 1", () => {
    const x = wg.ones([1, 1, 4, 4]);
    const withPad = avgPool2dForward(x, 3, { stride: 2, padding: 1 }).toArray();
    assertClose(withPad, [4 / 9, 6 / 9, 6 / 9, 1], F32_EPS, 'countIncludePad');
    assert.deepEqual([...avgPool2dForward(x, 3, { stride: 2, padding: 1, countIncludePad: false }).toArray()], [1, 1, 1, 1]);
  });

  it('global average pooling and its backward', () => {
    const x = randn([2, 3, 5, 7]);
    const xs = x.toArray();
    const y = globalAvgPool2dForward(x);
    assert.deepEqual(y.shape, [2, 3, 1, 1]);
    const want = Array.from({ length: 6 }, (_, p) => xs.subarray(p * 35, p * 35 + 35).reduce((s, v) => s + v, 0) / 35);
    assertClose(y.toArray(), want, 64 * F32_EPS, 'y');
    const dy = randn([2, 3, 1, 1]);
    const dx = globalAvgPool2dBackward(dy, [2, 3, 5, 7]).toArray();
    const g = dy.toArray();
    assertClose(dx, Array.from(dx, (_, i) => g[Math.floor(i / 35)] / 35), F32_EPS, 'dx');
  });
});

describe('pool kernels: the same bits for 1, 2 and 3 threads', () => {
  it('max and average pooling, forward and backward', async () => {
    const x = randn([4, 16, 33, 31]);
    const opts = { stride: 2, padding: 1, ceilMode: true };
    const dy = randn(maxPool2dForward(x, 3, opts).y.shape);
    await assertSameForThreadCounts(() => {
      const { y, indices } = maxPool2dForward(x, 3, opts);
      return [y, indices, maxPool2dBackward(dy, indices, x.shape), avgPool2dForward(x, 3, opts), avgPool2dBackward(dy, x.shape, 3, opts)];
    });
  });
});

describe('pool kernels: argument errors', () => {
  const throwsWith = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), pattern.toString());
  it('names the op, the shapes and the expectation', () => {
    const x = randn([1, 2, 4, 4]);
    throwsWith(() => avgPool2dForward(x, 5), wg.ShapeError, /avgPool2d: output size would be 0x0 for input \[1, 2, 4, 4\]/);
    throwsWith(() => maxPool2dForward(x, 0), wg.ArgumentError, /kernelSize must be a whole number >= 1/);
    throwsWith(() => maxPool2dForward(x, 2, { ceilMode: 1 }), wg.ArgumentError, /ceilMode must be a boolean/);
    const { y, indices } = maxPool2dForward(x, 2);
    throwsWith(() => maxPool2dBackward(y, y, x.shape), wg.DTypeError, /indices must be int32/);
    throwsWith(() => maxPool2dBackward(y, indices, [1, 3, 4, 4]), wg.ShapeError, /inputShape \[1, 3, 4, 4\] must be 4-D \(N, C, H, W\) with the N and C of dy/);
    throwsWith(() => maxPool2dBackward(y, wg.full(y.shape, 16, 'int32'), x.shape), wg.ArgumentError, /index 16 at flat position 0 is outside an input plane of 4x4/);
    throwsWith(() => avgPool2dBackward(randn([1, 2, 3, 3]), x.shape, 2), wg.ShapeError, /dy must have shape \[1, 2, 2, 2\]/);
  });

  it('refuses an index outside its plane wherever it sits, in either kernel and on every thread, and stays usable', () => {
    const x = randn([8, 16, 24, 24]); // enough work for every thread
    const { y, indices } = maxPool2dForward(x, 2);
    const good = indices.toArray();
    const want = maxPool2dBackward(y, indices, x.shape).toArray();
    for (const [at, bad] of [[good.length - 1, 576], [1234, -2], [777, 2 ** 31 - 1]]) {
      const broken = good.slice();
      broken[at] = bad;
      for (const kernel of ['simd', 'reference']) {
        throwsWith(() => maxPool2dBackward(y, wg.tensor(broken, y.shape, 'int32'), x.shape, kernel), wg.ArgumentError,
          new RegExp(`index ${bad} at flat position ${at} is outside an input plane of 24x24`));
      }
    }
    const padded = good.slice();
    padded[5] = -1; // an empty window's index: skipped, not refused
    maxPool2dBackward(y, wg.tensor(padded, y.shape, 'int32'), x.shape);
    assertBitEqual(maxPool2dBackward(y, indices, x.shape), wg.tensor(want, x.shape), 'dx after the refusals');
  });
});
