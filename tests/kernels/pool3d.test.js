// 3-D pooling, dilated average pooling and padding beyond half the window (ONNX's extensions of
// torch's pooling), against the scalar reference kernels, a float64 model and finite differences.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import {
  avgPool2dBackward, avgPool2dForward, avgPool3dBackward, avgPool3dForward, maxPool2dBackward, maxPool2dForward,
  maxPool3dBackward, maxPool3dForward,
} from '../../dist/bindings/kernels/pool.js';
import { check } from '../autograd/gradcheck-case.js';
import { assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, numericalGradient, randn } from './nchw-helpers.js';

const triple = (v) => (typeof v === 'number' ? [v, v, v] : v);

/** Padding as [before, after] triples: a number, [d, h, w] or [front, top, left, back, bottom, right]. */
function padSides(p = 0) {
  if (Array.isArray(p) && p.length === 6) return [p.slice(0, 3), p.slice(3)];
  return [triple(p), triple(p)];
}

function pooled(size, k, before, after, s, d, ceil) {
  let out = Math.floor((size + before + after - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= size + before) out--;
  return out;
}

/**
 * Plain 3-D max / average pooling in float64, tap by tap: max keeps the first of equal values and
 * lets NaN win; average divides by the taps inside the padded input (countIncludePad) or the input.
 */
function naivePool3d(kind, xs, [N, C, D, H, W], kernelSize, o = {}) {
  const k = triple(kernelSize), s = triple(o.stride ?? kernelSize), dil = triple(o.dilation ?? 1);
  const [before, after] = padSides(o.padding);
  const size = [D, H, W];
  const out = size.map((n, a) => pooled(n, k[a], before[a], after[a], s[a], dil[a], o.ceilMode));
  const y = new Float64Array(N * C * out[0] * out[1] * out[2]), indices = new Int32Array(y.length);
  let at = 0;
  for (let p = 0; p < N * C; p++) for (let od = 0; od < out[0]; od++) for (let oh = 0; oh < out[1]; oh++) for (let ow = 0; ow < out[2]; ow++) {
    const origin = [od, oh, ow].map((v, a) => v * s[a] - before[a]);
    let best = -Infinity, where = -1, sum = 0, inside = 0, padded = 0;
    for (let kd = 0; kd < k[0]; kd++) for (let kh = 0; kh < k[1]; kh++) for (let kw = 0; kw < k[2]; kw++) {
      const i = [kd, kh, kw].map((t, a) => origin[a] + t * dil[a]);
      if (i.every((v, a) => v < size[a] + after[a])) padded++;
      if (i.some((v, a) => v < 0 || v >= size[a])) continue;
      const flat = (i[0] * H + i[1]) * W + i[2];
      const v = xs[p * D * H * W + flat];
      sum += v;
      inside++;
      if (where < 0 || v > best || Number.isNaN(v)) [best, where] = [v, flat];
    }
    indices[at] = where;
    y[at++] = kind === 'max' ? best : sum / (o.countIncludePad === false ? inside : padded);
  }
  return { y, indices, shape: [N, C, ...out] };
}

const CASES = [
  { x: [2, 3, 5, 6, 7], k: 2, opts: {} },
  { x: [1, 2, 7, 5, 9], k: [3, 2, 3], opts: { stride: [2, 1, 2], padding: [1, 0, 1], ceilMode: true } },
  { x: [1, 2, 6, 7, 8], k: 3, opts: { stride: 2, padding: [1, 1, 0, 0, 1, 2], dilation: [1, 2, 1] } },
  { x: [1, 1, 9, 9, 9], k: [3, 3, 2], opts: { stride: 3, dilation: 2, ceilMode: true } },
  // padding beyond half the window, with windows lying wholly in it at stride 1
  { x: [1, 2, 3, 4, 5], k: 2, opts: { stride: 1, padding: [2, 1, 3] } },
  { x: [1, 1, 2, 3, 26], k: [1, 2, 3], opts: { stride: [1, 1, 2], padding: [0, 0, 1] } },
];

describe('pool3d kernels: max pooling', () => {
  for (const c of CASES) {
    it(`x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.opts)}: forward and backward`, () => {
      const x = randn(c.x);
      const { y, indices } = maxPool3dForward(x, c.k, c.opts);
      const ref = maxPool3dForward(x, c.k, { ...c.opts, kernel: 'reference' });
      assertBitEqual(y, ref.y, 'y vs reference');
      assertBitEqual(indices, ref.indices, 'indices vs reference');
      const want = naivePool3d('max', x.toArray(), c.x, c.k, c.opts);
      assert.deepEqual(y.shape, want.shape);
      assert.deepEqual([...y.toArray()], [...Float32Array.from(want.y)]);
      assert.deepEqual([...indices.toArray()], [...want.indices]);
      const dy = randn(y.shape);
      const dx = maxPool3dBackward(dy, indices, c.x);
      assertBitEqual(dx, maxPool3dBackward(dy, indices, c.x, 'reference'), 'dx vs reference');
      const expect = new Float32Array(dx.size);
      const outputs = y.size / (c.x[0] * c.x[1]), volume = c.x[2] * c.x[3] * c.x[4];
      dy.toArray().forEach((g, o) => {
        if (want.indices[o] >= 0) expect[Math.floor(o / outputs) * volume + want.indices[o]] += g;
      });
      assert.deepEqual([...dx.toArray()], [...expect]);
    });
  }

  it('ties and NaNs in wide rows (the four-window SIMD path) match the reference', () => {
    const shape = [1, 2, 4, 5, 27];
    const size = shape.reduce((a, b) => a * b);
    const values = Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 17 === 0 ? NaN : (i * 104729) % 4));
    const x = wg.tensor(values, shape);
    for (const opts of [{ stride: [1, 1, 1] }, { stride: [2, 1, 2], padding: [1, 0, 1] }, { stride: [1, 2, 2], dilation: [2, 1, 2] }]) {
      const { y, indices } = maxPool3dForward(x, [2, 2, 3], opts);
      const ref = maxPool3dForward(x, [2, 2, 3], { ...opts, kernel: 'reference' });
      assertBitEqual(y, ref.y, `y ${JSON.stringify(opts)}`);
      assertBitEqual(indices, ref.indices, `indices ${JSON.stringify(opts)}`);
      assert.deepEqual([...indices.toArray()], [...naivePool3d('max', values, shape, [2, 2, 3], opts).indices]);
    }
  });

  it('a window wholly in the padding gives -Infinity and index -1, and passes no gradient', () => {
    const x = wg.tensor([1, 2, 3, 4], [1, 1, 1, 2, 2]);
    const { y, indices } = maxPool3dForward(x, 1, { padding: [0, 1, 0] });
    assert.deepEqual([...y.toArray()], [-Infinity, -Infinity, 1, 2, 3, 4, -Infinity, -Infinity]);
    assert.deepEqual([...indices.toArray()], [-1, -1, 0, 1, 2, 3, -1, -1]);
    assert.deepEqual([...maxPool3dBackward(wg.ones(y.shape), indices, x.shape).toArray()], [1, 1, 1, 1]);
  });

  it('2-D pooling is 3-D pooling at depth 1', () => {
    const x = randn([2, 3, 7, 9]);
    const opts2 = { stride: [2, 1], padding: [1, 2, 0, 1], dilation: [1, 2], ceilMode: true };
    const opts3 = { stride: [1, 2, 1], padding: [0, 1, 2, 0, 0, 1], dilation: [1, 1, 2], ceilMode: true };
    const x3 = wg.reshape(x, [2, 3, 1, 7, 9]);
    const a = maxPool2dForward(x, 3, opts2), b = maxPool3dForward(x3, [1, 3, 3], opts3);
    assert.deepEqual([...a.y.toArray()], [...b.y.toArray()]);
    assert.deepEqual([...a.indices.toArray()], [...b.indices.toArray()]);
    assert.deepEqual([...avgPool2dForward(x, 3, opts2).toArray()], [...avgPool3dForward(x3, [1, 3, 3], opts3).toArray()]);
  });
});

describe('pool3d kernels: average pooling', () => {
  for (const c of CASES) {
    for (const countIncludePad of [true, false]) {
      it(`x ${JSON.stringify(c.x)} k ${JSON.stringify(c.k)} ${JSON.stringify(c.opts)} countIncludePad ${countIncludePad}`, () => {
        const opts = { ...c.opts, countIncludePad };
        const x = randn(c.x);
        const y = avgPool3dForward(x, c.k, opts);
        assertBitEqual(y, avgPool3dForward(x, c.k, { ...opts, kernel: 'reference' }), 'y vs reference');
        const want = naivePool3d('avg', x.toArray(), c.x, c.k, opts);
        assert.deepEqual(y.shape, want.shape);
        const taps = triple(c.k).reduce((a, b) => a * b);
        // Windows wholly in the padding are NaN (0 / 0) without countIncludePad: in the same places.
        const got = y.toArray(), empty = [...want.y.keys()].filter((i) => Number.isNaN(want.y[i]));
        assert.deepEqual([...got.keys()].filter((i) => Number.isNaN(got[i])), empty, 'NaN outputs');
        empty.forEach((i) => { got[i] = want.y[i] = 0; });
        assertClose(got, want.y, 4 * F32_EPS * taps, 'y vs float64');
        const dy = randn(y.shape);
        const dx = avgPool3dBackward(dy, c.x, c.k, opts);
        assertBitEqual(dx, avgPool3dBackward(dy, c.x, c.k, { ...opts, kernel: 'reference' }), 'dx vs reference');
        if (x.size <= 200 && empty.length === 0) {
          const num = numericalGradient(x.toArray(), c.x, dy.toArray(), (t) => avgPool3dForward(t, c.k, opts), 0.5);
          assertClose(dx.toArray(), num, 1e-4, 'dx vs central differences');
        }
      });
    }
  }

  it('a window wholly in the padding averages to 0 with countIncludePad and to NaN (0 / 0) without', () => {
    const x = wg.tensor([1, 2, 3, 4], [1, 1, 1, 2, 2]);
    assert.deepEqual([...avgPool3dForward(x, 1, { padding: [0, 1, 0] }).toArray()], [0, 0, 1, 2, 3, 4, 0, 0]);
    const y = avgPool3dForward(x, 1, { padding: [0, 1, 0], countIncludePad: false }).toArray();
    assert.deepEqual([...y.subarray(2, 6)], [1, 2, 3, 4]);
    assert.ok([0, 1, 6, 7].every((i) => Number.isNaN(y[i])), `NaN at the padded rows: ${y}`);
    const dx = avgPool3dBackward(wg.ones([1, 1, 1, 4, 2]), x.shape, 1, { padding: [0, 1, 0], countIncludePad: false });
    assert.deepEqual([...dx.toArray()], [1, 1, 1, 1]);
  });

  it("dilated 2-D average pooling: ONNX's averagepool_2d_dilations worked by hand", () => {
    // 4x4 arange, kernel 2, dilation 2, stride 1: each window takes x[i, j], x[i, j+2], x[i+2, j], x[i+2, j+2].
    const x = wg.tensor(Float32Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4]);
    const y = avgPool2dForward(x, 2, { stride: 1, dilation: 2 });
    assert.deepEqual([...y.toArray()], [6, 7, 10, 11]);
    const dx = avgPool2dBackward(wg.ones([1, 1, 2, 2]), x.shape, 2, { stride: 1, dilation: 2 });
    assert.deepEqual([...dx.toArray()], Array(16).fill(0.25));
  });
});

describe('pool3d kernels: the same bits for 1, 2 and 3 threads', () => {
  it('max and average pooling, forward and backward', async () => {
    const x = randn([2, 5, 9, 10, 11]);
    const opts = { stride: 2, padding: [1, 2, 1], dilation: [1, 1, 2], ceilMode: true };
    const dy = randn(maxPool3dForward(x, 3, opts).y.shape);
    await assertSameForThreadCounts(() => {
      const { y, indices } = maxPool3dForward(x, 3, opts);
      return [y, indices, maxPool3dBackward(dy, indices, x.shape), avgPool3dForward(x, 3, opts), avgPool3dBackward(dy, x.shape, 3, opts)];
    });
  });
});

describe('pool3d: argument errors', () => {
  const throwsWith = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), pattern.toString());
  it('names the op, the shapes and the expectation', () => {
    const x = randn([1, 2, 3, 4, 4]);
    throwsWith(() => maxPool3dForward(randn([1, 2, 4, 4]), 2), wg.ShapeError, /maxPool3d: x must be 5-D \(N, C, D, H, W\), got shape \[1, 2, 4, 4\]/);
    throwsWith(() => avgPool3dForward(x, [4, 2, 2]), wg.ShapeError, /avgPool3d: output size would be 0x2x2 for input \[1, 2, 3, 4, 4\] with kernel 4x2x2/);
    throwsWith(() => maxPool3dForward(x, [2, 2]), wg.ArgumentError, /maxPool3d: kernelSize must be a number or a triple \[d, h, w\], got \[2,2\]/);
    throwsWith(() => maxPool3dForward(x, 2, { padding: [1, 1, 1, 1] }), wg.ArgumentError, /maxPool3d: padding must be a number, \[d, h, w\] or \[front, top, left, back, bottom, right\]/);
    const { y, indices } = maxPool3dForward(x, 2);
    throwsWith(() => maxPool3dBackward(y, wg.full(y.shape, 48, 'int32'), x.shape), wg.ArgumentError, /index 48 at flat position 0 is outside an input volume of 3x4x4/);
    throwsWith(() => avgPool3dBackward(y, [1, 2, 4, 4], 2), wg.ShapeError, /avgPool3d backward: inputShape \[1, 2, 4, 4\] must be 5-D \(N, C, D, H, W\)/);
    throwsWith(() => wg.maxPool2d(randn([1, 1, 4, 4]), 2, { returnIndices: 1 }), wg.ArgumentError, /maxPool2d: returnIndices must be a boolean/);
  });
});

describe('pooling ops: returnIndices', () => {
  it('maxPool2d and maxPool3d return [values, indices] as torch, and the gradient still flows', () => {
    const x = wg.tensor([1, 5, 2, 0, 3, 4, 8, 7, 6, 9, -1, 2, 0, 1, 3, 4], [1, 1, 4, 4]).requiresGrad_();
    const [y, indices] = wg.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual([...y.toArray()], [5, 8, 9, 4]);
    assert.equal(indices.dtype, 'int32');
    assert.deepEqual([...indices.toArray()], [1, 6, 9, 15]);
    wg.sum(y).backward();
    assert.deepEqual([...indices.toArray()], [1, 6, 9, 15], 'the indices outlive the backward');
    assert.deepEqual([...x.grad.toArray()], [0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const [y3, i3] = wg.maxPool3d(wg.reshape(x.detach(), [1, 1, 2, 2, 4]), [2, 1, 2], { returnIndices: true });
    // (h, w-pair) windows over both depth slices; the tie 2 = 2 keeps the first (depth 0).
    assert.deepEqual([...y3.toArray()], [9, 2, 4, 8]);
    assert.deepEqual([...i3.toArray()], [9, 2, 5, 6]);
  });

  it('without a graph, only the returned tensors stay alive', () => {
    const x = wg.rand([1, 2, 4, 4, 4], { seed: 3 });
    const before = wg.memory().liveTensors;
    const [y, indices] = wg.maxPool3d(x, 2, { returnIndices: true });
    assert.equal(wg.memory().liveTensors, before + 2);
    y.dispose();
    indices.dispose();
    x.dispose();
  });
});

describe('gradcheck: 3-D pooling', () => {
  // Distinct values 0.05 apart in a shuffled order: a small nudge never changes which one is a maximum.
  function distinct(shape, seed) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
    for (let i = n - 1, s = seed; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const j = s % (i + 1);
      [values[i], values[j]] = [values[j], values[i]];
    }
    return wg.tensor(values, shape).requiresGrad_();
  }
  const input = (shape, seed) => wg.randn(shape, { seed }).requiresGrad_();
  check('maxPool3d 2, padding [1, 0, 1], ceil mode', (x) => wg.maxPool3d(x, 2, { padding: [1, 0, 1], ceilMode: true }), () => [distinct([1, 2, 3, 4, 5], 41)]);
  check('maxPool3d [2, 3, 2], dilation [1, 1, 2], stride 1', (x) => wg.maxPool3d(x, [2, 3, 2], { stride: 1, dilation: [1, 1, 2] }), () => [distinct([2, 1, 3, 4, 5], 42)]);
  check('avgPool3d 3, stride 2, padding 1, countIncludePad false', (x) =>
    wg.avgPool3d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), () => [input([1, 2, 4, 5, 3], 43)]);
  check('avgPool3d 2, dilation 2, padding 2 (beyond half the window)', (x) =>
    wg.avgPool3d(x, 2, { stride: 1, dilation: 2, padding: [2, 0, 1] }), () => [input([1, 1, 3, 4, 4], 44)]);
  check('avgPool2d, dilation [2, 1], ceil mode', (x) => wg.avgPool2d(x, [2, 3], { dilation: [2, 1], ceilMode: true, stride: 2 }), () => [input([1, 2, 6, 7], 45)]);
});
