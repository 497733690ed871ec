import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { conv2dBackward } from '../../dist/bindings/kernels/conv.js';
import { convWeightGrad3x3 } from '../../dist/bindings/kernels/conv-weight-grad-3x3.js';
import {
  assertBitEqual, assertClose, assertSameForThreadCounts, checkWeightGrad3x3, F32_EPS, naiveConvWeightGrad, randn, weightGradGeometry,
} from './nchw-helpers.js';

// The direct weight gradient of 3x3 stride-1 convolutions with few input channels.

/** dw (OC, C, 3, 3) of x and dy by the direct kernel, padding [top, left, ...]. */
function direct(x, dy, pad, kernel) {
  const dw = wg.full([dy.shape[1], x.shape[1], 3, 3], NaN);
  convWeightGrad3x3(weightGradGeometry(x, dy, pad), x, dy, dw, kernel);
  return dw;
}

// x shape, output channels, padding [top, left, bottom, right]: 1 to 4 channels in, one out, a 1x1
// output, output widths of every remainder mod 4 (the vector tail) and below 4, paddings 0, 1, 2,
// asymmetric and wider than the kernel reaches, a batch of many images.
const CASES = [
  { x: [1, 1, 3, 3], OC: 1, pad: [0, 0, 0, 0] },
  { x: [2, 1, 6, 5], OC: 3, pad: [1, 1, 1, 1] },
  { x: [1, 2, 3, 12], OC: 2, pad: [0, 0, 0, 0] },
  { x: [3, 3, 13, 13], OC: 8, pad: [0, 0, 0, 0] },
  { x: [2, 4, 7, 9], OC: 11, pad: [1, 1, 1, 1] },
  { x: [1, 1, 10, 17], OC: 4, pad: [0, 1, 2, 1] },
  { x: [2, 3, 4, 4], OC: 5, pad: [3, 2, 0, 3] },
  { x: [1, 2, 19, 34], OC: 7, pad: [2, 0, 0, 1] },
  { x: [9, 1, 28, 28], OC: 32, pad: [1, 1, 1, 1] },
];

describe('conv kernels: direct 3x3 weight gradient', () => {
  for (const c of CASES) {
    it(`x [${c.x}], ${c.OC} out channels, padding [${c.pad}]: SIMD bit-equal to the scalar reference, close to im2col and float64`, () => {
      checkWeightGrad3x3(direct, c.x, c.OC, c.pad);
    });
  }

  it('conv2d backward takes it for 3x3 stride-1 convolutions of at most 4 channels in, and only those', () => {
    const differs = (a, b) => a.toArray().some((v, i) => v !== b.toArray()[i]);
    for (const C of [1, 4]) {
      const x = randn([3, C, 11, 10]), w = randn([16, C, 3, 3]), dy = randn([3, 16, 11, 10]);
      assertBitEqual(conv2dBackward(dy, x, w, { padding: 1 }).dw, direct(x, dy, [1, 1]), `${C} channels in`);
    }
    const x5 = randn([3, 5, 11, 10]), w5 = randn([16, 5, 3, 3]), dy5 = randn([3, 16, 11, 10]);
    assert.ok(differs(conv2dBackward(dy5, x5, w5, { padding: 1 }).dw, direct(x5, dy5, [1, 1])), '5 channels in');
    const x = randn([3, 1, 11, 10]), w = randn([16, 1, 3, 3]), dy = randn([3, 16, 6, 5]);
    const strided = conv2dBackward(dy, x, w, { stride: 2, padding: 1 }).dw;
    assertClose(strided.toArray(), naiveConvWeightGrad(x.toArray(), x.shape, dy.toArray(), dy.shape, w.shape, { stride: 2, padding: 1 }),
      8 * F32_EPS * 91, 'stride 2 (the transposed im2col product)');
  });

  it('the same bits for 1, 2 and 3 threads', async () => {
    const x = randn([6, 3, 15, 14]), dy = randn([6, 10, 15, 13]);
    await assertSameForThreadCounts(() => [direct(x, dy, [1, 0]), direct(x, dy, [1, 0], 'reference')]);
  });
});
