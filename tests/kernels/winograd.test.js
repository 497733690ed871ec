import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { conv2dForward } from '../../dist/bindings/kernels/conv.js';
import { winogradConv2d } from '../../dist/bindings/kernels/winograd.js';
import { assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, naiveConv2d, randn } from './nchw-helpers.js';
import { outSize, WINOGRAD_CASES } from './winograd-cases.js';

/** y = winogradConv2d of x (N, C, H, W) and w (OC, C, 3, 3) with top/left padding [pt, pl] and output size [OH, OW]. */
function winograd(x, w, b, [pt, pl], [OH, OW], kernel) {
  const [N, C, H, W] = x.shape;
  const OC = w.shape[0];
  const y = wg.full([N, OC, OH, OW], NaN);
  winogradConv2d({ N, C, H, W, OC, OH, OW, pt, pl }, x, w, b, y, kernel);
  return y;
}

describe('conv kernels: Winograd F(2x2, 3x3)', () => {
  for (const c of WINOGRAD_CASES) {
    const name = `x [${c.x}], ${c.OC} out channels, padding [${c.pad}]`;
    it(`${name}: SIMD transforms bit-equal to the scalar ones, close to a direct convolution`, () => {
      const x = randn(c.x), w = randn([c.OC, c.x[1], 3, 3]), b = randn([c.OC]);
      const size = outSize(c);
      const y = winograd(x, w, b, [c.pad[0], c.pad[1]], size);
      assertBitEqual(y, winograd(x, w, b, [c.pad[0], c.pad[1]], size, 'reference'), 'transforms');
      const want = naiveConv2d(x.toArray(), c.x, w.toArray(), w.shape, b.toArray(), { padding: c.pad });
      assert.deepEqual(y.shape, want.shape);
      assertClose(y.toArray(), want.data, 8 * F32_EPS * (9 * c.x[1] + 1), 'y');
      const unbiased = winograd(x, w, null, [c.pad[0], c.pad[1]], size);
      const noBias = naiveConv2d(x.toArray(), c.x, w.toArray(), w.shape, null, { padding: c.pad });
      assertClose(unbiased.toArray(), noBias.data, 8 * F32_EPS * (9 * c.x[1] + 1), 'y without bias');
    });
  }

  it('conv2d takes it for 3x3 stride-1 convolutions of at least 16 channels in and 8 out, and only those', () => {
    const x = randn([2, 16, 9, 10]), w = randn([8, 16, 3, 3]), b = randn([8]);
    assertBitEqual(conv2dForward(x, w, b, { padding: 1 }), winograd(x, w, b, [1, 1], [9, 10]), 'padding 1');
    assertBitEqual(conv2dForward(x, w, b, { padding: 'same' }), winograd(x, w, b, [1, 1], [9, 10]), "padding 'same'");
    // With 7 output channels, 15 input channels, stride 2 or dilation 2 it is im2col + GEMM, whose sums round differently.
    const differs = (a, bb) => a.toArray().some((v, i) => v !== bb.toArray()[i]);
    const w7 = randn([7, 16, 3, 3]);
    assert.ok(differs(conv2dForward(x, w7), winograd(x, w7, null, [0, 0], [7, 8])), '7 output channels');
    const x15 = randn([2, 15, 9, 10]), w15 = randn([8, 15, 3, 3]);
    assert.ok(differs(conv2dForward(x15, w15), winograd(x15, w15, null, [0, 0], [7, 8])), '15 input channels');
    const strided = conv2dForward(x, w, null, { stride: 2 });
    assert.deepEqual(strided.shape, [2, 8, 4, 4]);
    assertClose(strided.toArray(), naiveConv2d(x.toArray(), x.shape, w.toArray(), w.shape, null, { stride: 2 }).data, 8 * F32_EPS * 145, 'stride 2');
  });

  it('a batch done in several chunks (tiles over the budget)', function () {
    this.timeout(20000);
    const x = randn([3, 16, 90, 90]), w = randn([16, 16, 3, 3]), b = randn([16]);
    const y = conv2dForward(x, w, b, { padding: 1 });
    const want = naiveConv2d(x.toArray(), x.shape, w.toArray(), w.shape, b.toArray(), { padding: 1 });
    assertClose(y.toArray(), want.data, 8 * F32_EPS * 145, 'y');
  });

  it('the same bits for 1, 2 and 3 threads', async () => {
    const x = randn([5, 16, 11, 14]), w = randn([10, 16, 3, 3]), b = randn([10]);
    await assertSameForThreadCounts(() => [
      conv2dForward(x, w, b, { padding: [1, 2] }), winograd(x, w, b, [1, 2], [11, 16], 'reference'),
    ]);
  });
});
