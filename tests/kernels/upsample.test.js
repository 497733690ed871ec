import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { upsampleNearestBackward, upsampleNearestForward } from '../../dist/bindings/kernels/upsample.js';
import { assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, numericalGradient, pair, randn } from './nchw-helpers.js';

const CASES = [
  { x: [2, 3, 5, 7], scale: 2 },
  { x: [1, 2, 3, 4], scale: [3, 1] },
  { x: [1, 1, 1, 1], scale: [1, 5] },
  { x: [3, 2, 4, 3], scale: 1 },
];

describe('upsample kernels: nearest', () => {
  for (const c of CASES) {
    it(`x ${JSON.stringify(c.x)} scale ${JSON.stringify(c.scale)}: forward and backward`, () => {
      const [sh, sw] = pair(c.scale);
      const [N, C, H, W] = c.x;
      const x = randn(c.x);
      const y = upsampleNearestForward(x, c.scale);
      assert.deepEqual(y.shape, [N, C, H * sh, W * sw]);
      assertBitEqual(y, upsampleNearestForward(x, c.scale, 'reference'), 'y vs reference');
      const xs = x.toArray();
      const ys = y.toArray();
      for (let i = 0; i < ys.length; i++) {
        const ow = i % (W * sw), oh = Math.floor(i / (W * sw)) % (H * sh), p = Math.floor(i / (W * sw * H * sh));
        assert.equal(ys[i], xs[(p * H + Math.floor(oh / sh)) * W + Math.floor(ow / sw)]);
      }
      const dy = randn(y.shape);
      const dx = upsampleNearestBackward(dy, c.scale);
      assert.deepEqual(dx.shape, c.x);
      assertBitEqual(dx, upsampleNearestBackward(dy, c.scale, 'reference'), 'dx vs reference');
      const num = numericalGradient(xs, c.x, dy.toArray(), (t) => upsampleNearestForward(t, c.scale), 0.5);
      assertClose(dx.toArray(), num, 16 * F32_EPS, 'dx vs central differences');
    });
  }

  it('the same bits for 1, 2 and 3 threads', async () => {
    const x = randn([4, 8, 30, 33]);
    const dy = randn([4, 8, 60, 99]);
    await assertSameForThreadCounts(() => [upsampleNearestForward(x, [2, 3]), upsampleNearestBackward(dy, [2, 3])]);
  });

  it('argument errors name the op and the shapes', () => {
    assert.throws(() => upsampleNearestForward(randn([1, 2, 3]), 2), (e) => e instanceof wg.ShapeError && /upsampleNearest: x must be 4-D/.test(e.message));
    assert.throws(() => upsampleNearestForward(randn([1, 1, 2, 2]), 1.5), (e) => e instanceof wg.ArgumentError && /scaleFactor must be a whole number >= 1, got 1.5/.test(e.message));
    assert.throws(
      () => upsampleNearestBackward(randn([1, 1, 5, 4]), 2),
      (e) => e instanceof wg.ShapeError && /dy \[1, 1, 5, 4\] is not a whole number of 2x2 blocks/.test(e.message),
    );
  });
});
