import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { col2im, conv2dBackward, im2col } from '../../dist/bindings/kernels/conv.js';
import { winogradConv2d } from '../../dist/bindings/kernels/winograd.js';
import { winogradWeightGrad } from '../../dist/bindings/kernels/winograd-weight-grad.js';
import {
  assertBitEqual, assertClose, assertSameForThreadCounts, F32_EPS, naiveConvTranspose2d, naiveConvWeightGrad, randn, sides,
} from './nchw-helpers.js';
import { outSize, WINOGRAD_CASES } from './winograd-cases.js';

// The backward passes of 3x3 stride-1 convolutions by Winograd: the input gradient as the forward
// F(2x2, 3x3) of dy with the turned weight ('adjoint' filters), the weight gradient by F(3x3, 2x2).


/** dw (OC, C, 3, 3) by winogradWeightGrad of x and dy, padding [top, left, ...]. */
function weightGrad(x, dy, pad, kernel) {
  const [N, C, H, W] = x.shape;
  const [, OC, OH, OW] = dy.shape;
  const dw = wg.full([OC, C, 3, 3], NaN);
  winogradWeightGrad({ N, C, OC, H, W, OH, OW, pt: pad[0], pl: pad[1] }, x, dy, dw, kernel);
  return dw;
}

/** dx (N, C, H, W) by the adjoint Winograd convolution of dy with w (OC, C, 3, 3), the forward's padding [top, left, ...]. */
function inputGrad(dy, w, xShape, pad, kernel) {
  const [N, OC, OH, OW] = dy.shape;
  const [, C, H, W] = xShape;
  const dx = wg.full(xShape, NaN);
  winogradConv2d({ N, C: OC, OC: C, H: OH, W: OW, OH: H, OW: W, pt: 2 - pad[0], pl: 2 - pad[1] }, dy, w, null, dx, kernel, 'adjoint');
  return dx;
}

/** The im2col path's weight gradient: the sum over n of dy[n] (OC, S) @ cols[n]ᵀ (S, C*9), in float32. */
function im2colWeightGrad(x, dy, pad) {
  const [N, OC, OH, OW] = dy.shape;
  const cols = im2col(x, { kernelSize: 3, padding: pad });
  const perImage = wg.matmul(wg.reshape(dy, [N, OC, OH * OW]), wg.transpose(cols, 1, 2));
  return wg.sum(perImage, 0).toArray();
}

/** The im2col path's input gradient: col2im of wᵀ (C*9, OC) @ dy[n] (OC, S), in float32. */
function im2colInputGrad(dy, w, xShape, pad) {
  const [N, OC, OH, OW] = dy.shape;
  const wT = wg.transpose(wg.reshape(w, [OC, xShape[1] * 9]), 0, 1);
  const cols = wg.matmul(wT, wg.reshape(dy, [N, OC, OH * OW]));
  return col2im(cols, [xShape[2], xShape[3]], { kernelSize: 3, padding: pad }).toArray();
}

// The input gradient's padding is 2 - the forward's: the wider cases take the im2col path.
const ADJOINT_CASES = WINOGRAD_CASES.filter((c) => c.pad[0] <= 2 && c.pad[1] <= 2);

describe('conv kernels: Winograd F(3x3, 2x2) weight gradient', () => {
  for (const c of WINOGRAD_CASES) {
    it(`x [${c.x}], ${c.OC} out channels, padding [${c.pad}]: SIMD transforms bit-equal to the scalar ones, close to im2col and float64`, () => {
      const x = randn(c.x), dy = randn([c.x[0], c.OC, ...outSize(c)]);
      const dw = weightGrad(x, dy, c.pad);
      assertBitEqual(dw, weightGrad(x, dy, c.pad, 'reference'), 'transforms');
      // The sum runs over every output position of the batch: the float32 rounding grows with it.
      const terms = dy.shape[0] * dy.shape[2] * dy.shape[3];
      const want = naiveConvWeightGrad(x.toArray(), c.x, dy.toArray(), dy.shape, [c.OC, c.x[1], 3, 3], { padding: c.pad });
      assertClose(dw.toArray(), want, 8 * F32_EPS * (terms + 1), 'dw vs float64');
      assertClose(dw.toArray(), im2colWeightGrad(x, dy, c.pad), 16 * F32_EPS * (terms + 1), 'dw vs im2col');
    });
  }

  it('a batch done in several chunks (tiles over the budget) adds the chunks in order', function () {
    this.timeout(20000);
    const x = randn([5, 24, 40, 40]), dy = randn([5, 24, 40, 40]);
    const dw = weightGrad(x, dy, [1, 1, 1, 1]);
    const want = naiveConvWeightGrad(x.toArray(), x.shape, dy.toArray(), dy.shape, [24, 24, 3, 3], { padding: 1 });
    assertClose(dw.toArray(), want, 8 * F32_EPS * (5 * 1600 + 1), 'dw');
    assertBitEqual(dw, weightGrad(x, dy, [1, 1, 1, 1], 'reference'), 'transforms');
  });
});

describe('conv kernels: Winograd input gradient (the adjoint convolution)', () => {
  for (const c of ADJOINT_CASES) {
    it(`x [${c.x}], ${c.OC} out channels, padding [${c.pad}]: SIMD transforms bit-equal to the scalar ones, close to im2col and float64`, () => {
      const w = randn([c.OC, c.x[1], 3, 3]), dy = randn([c.x[0], c.OC, ...outSize(c)]);
      const dx = inputGrad(dy, w, c.x, c.pad);
      assertBitEqual(dx, inputGrad(dy, w, c.x, c.pad, 'reference'), 'transforms');
      // dx is the transposed convolution of dy.
      const want = naiveConvTranspose2d(dy.toArray(), dy.shape, w.toArray(), w.shape, null, { padding: c.pad });
      assert.deepEqual(want.shape, c.x);
      assertClose(dx.toArray(), want.data, 8 * F32_EPS * (9 * c.OC + 1), 'dx vs float64');
      assertClose(dx.toArray(), im2colInputGrad(dy, w, c.x, c.pad), 16 * F32_EPS * (9 * c.OC + 1), 'dx vs im2col');
    });
  }
});

describe('conv kernels: conv2d backward chooses Winograd by shape', () => {
  const differs = (a, b) => a.toArray().some((v, i) => v !== b.toArray()[i]);

  it('dx takes it with >= 16 output and >= 8 input channels and padding <= 2 at the top and left; dw with >= 8 of each', () => {
    const x = randn([2, 8, 9, 10]), w = randn([16, 8, 3, 3]);
    for (const padding of [0, 1, 2, [2, 0, 3, 1]]) {
      const pad = sides(padding);
      const dy = randn([2, 16, ...outSize({ x: x.shape, pad })]);
      const { dx, dw } = conv2dBackward(dy, x, w, { padding }, { bias: false });
      assertBitEqual(dx, inputGrad(dy, w, x.shape, pad), `dx, padding ${padding}`);
      assertBitEqual(dw, weightGrad(x, dy, pad), `dw, padding ${padding}`);
    }
    const dySame = randn([2, 16, 9, 10]);
    assertBitEqual(conv2dBackward(dySame, x, w, { padding: 'same' }).dx, inputGrad(dySame, w, x.shape, [1, 1]), "dx, padding 'same'");
  });

  it('and not otherwise: the im2col path, whose sums round differently', () => {
    // 15 output channels: dx by im2col, dw still Winograd.
    const x = randn([2, 8, 9, 10]), w15 = randn([15, 8, 3, 3]), dy15 = randn([2, 15, 7, 8]);
    const g15 = conv2dBackward(dy15, x, w15);
    assert.ok(differs(g15.dx, inputGrad(dy15, w15, x.shape, [0, 0])), 'dx with 15 output channels');
    assertBitEqual(g15.dw, weightGrad(x, dy15, [0, 0]), 'dw with 15 output channels');
    // 7 input channels: neither.
    const x7 = randn([2, 7, 9, 10]), w7 = randn([16, 7, 3, 3]), dy7 = randn([2, 16, 7, 8]);
    const g7 = conv2dBackward(dy7, x7, w7);
    assert.ok(differs(g7.dx, inputGrad(dy7, w7, x7.shape, [0, 0])), 'dx with 7 input channels');
    assert.ok(differs(g7.dw, weightGrad(x7, dy7, [0, 0])), 'dw with 7 input channels');
    // Padding 3 at the top: dx by im2col (it would need padding -1), dw Winograd; both still right.
    const w = randn([16, 8, 3, 3]), dy3 = randn([2, 16, 11, 10]);
    const g3 = conv2dBackward(dy3, x, w, { padding: [3, 1, 1, 1] });
    assertBitEqual(g3.dw, weightGrad(x, dy3, [3, 1]), 'dw with padding 3');
    assertClose(g3.dx.toArray(), im2colInputGrad(dy3, w, x.shape, [3, 1, 1, 1]), 16 * F32_EPS * 145, 'dx with padding 3');
    // Stride 2: neither.
    const dyStrided = randn([2, 16, 4, 4]);
    const strided = conv2dBackward(dyStrided, x, w, { stride: 2 });
    assertClose(strided.dw.toArray(), naiveConvWeightGrad(x.toArray(), x.shape, dyStrided.toArray(), dyStrided.shape, w.shape, { stride: 2 }),
      8 * F32_EPS * 33, 'dw with stride 2');
  });

  it('the same bits for 1, 2 and 3 threads', async () => {
    const x = randn([5, 16, 11, 14]), w = randn([24, 16, 3, 3]);
    const dy = randn([5, 24, 11, 16]);
    const opts = { padding: [1, 2] };
    await assertSameForThreadCounts(() => {
      const g = conv2dBackward(dy, x, w, opts, { bias: false });
      return [g.dx, g.dw, inputGrad(dy, w, x.shape, [1, 2], 'reference'), weightGrad(x, dy, [1, 2], 'reference')];
    });
  });
});
