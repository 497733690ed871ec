// Property tests of pooling: max and average pooling forward and backward over random shapes,
// kernels, strides, dilations (max), per-side paddings, ceil mode and countIncludePad, the SIMD
// kernels bit-equal to their scalar references, as tests/kernels/pool.test.js holds them.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../dist/bindings/kernels/pool.js';
import { assertBitEqual } from '../kernels/nchw-helpers.js';
import { check, dim, pairOf, RUNS, seed, values } from './property-check.js';

const poolArb = fc.record({
  k: pairOf(4), stride: pairOf(3), dilation: pairOf(2), padding: fc.array(dim(2, 0), { minLength: 4, maxLength: 4 }),
  ceilMode: fc.boolean(), N: dim(2), C: dim(4), extra: pairOf(6, 0), s: seed,
});

/**
 * The geometry drawn, made valid: each side's padding at most half the (dilated) window, and an
 * input the window fits at least once.
 */
function geometry({ k, stride, dilation, padding, ceilMode, N, C, extra }) {
  const extent = [0, 1].map((i) => dilation[i] * (k[i] - 1) + 1);
  const [pt, pl, pb, pr] = padding.map((p, i) => Math.min(p, extent[i % 2] >> 1));
  const H = Math.max(1, extent[0] - pt - pb) + extra[0];
  const W = Math.max(1, extent[1] - pl - pr) + extra[1];
  return { shape: [N, C, H, W], opts: { stride, padding: [pt, pl, pb, pr], dilation, ceilMode } };
}

describe(`property tests: pooling (${RUNS} cases per family)`, () => {
  it('max pooling forward (values and indices) and backward: SIMD bit-equal to the reference', () => {
    check('maxPool2d', poolArb, (g) => {
      const { shape, opts } = geometry(g);
      const what = `x ${JSON.stringify(shape)}, kernel ${g.k}, ${JSON.stringify(opts)}`;
      const x = values(shape, g.s, 4);
      const { y, indices } = maxPool2dForward(x, g.k, opts);
      const ref = maxPool2dForward(x, g.k, { ...opts, kernel: 'reference' });
      assertBitEqual(y, ref.y, `y of ${what}`);
      assertBitEqual(indices, ref.indices, `indices of ${what}`);
      const dy = values(y.shape, g.s + 1);
      const dx = maxPool2dBackward(dy, indices, shape);
      assert.deepEqual(dx.shape, shape);
      assertBitEqual(dx, maxPool2dBackward(dy, indices, shape, 'reference'), `dx of ${what}`);
    });
  });

  it('average pooling forward and backward, with and without the padding counted: SIMD bit-equal to the reference', () => {
    check('avgPool2d', fc.record({ g: poolArb, countIncludePad: fc.boolean() }), ({ g, countIncludePad }) => {
      // Average pooling has no dilation.
      const { shape, opts: { dilation, ...rest } } = geometry({ ...g, dilation: [1, 1] });
      const opts = { ...rest, countIncludePad };
      const what = `x ${JSON.stringify(shape)}, kernel ${g.k}, ${JSON.stringify(opts)}`;
      const x = values(shape, g.s, 4);
      const y = avgPool2dForward(x, g.k, opts);
      assertBitEqual(y, avgPool2dForward(x, g.k, { ...opts, kernel: 'reference' }), `y of ${what}`);
      const dy = values(y.shape, g.s + 1);
      const dx = avgPool2dBackward(dy, shape, g.k, opts);
      assertBitEqual(dx, avgPool2dBackward(dy, shape, g.k, { ...opts, kernel: 'reference' }), `dx of ${what}`);
    });
  });
});
