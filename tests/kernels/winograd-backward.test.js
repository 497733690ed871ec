import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { col2im, conv2dBackward } from '../../dist/bindings/kernels/conv.js';
import { winogradConv2d } from '../../dist/bindings/kernels/winograd.js';
import { winogradWeightGrad } from '../../dist/bindings/kernels/winograd-weight-grad.js';
import {
  assertBitEqual, assertClose, assertSameForThreadCounts, checkWeightGrad3x3, F32_EPS, naiveConvTranspose2d, naiveConvWeightGrad,
  randn, sides, weightGradGeometry,
} from './nchw-helpers.js';
import { outSize, WINOGRAD_CASES } from './winograd-cases.js';

// The backward passes of 3x3 stride-1 convolutions by Winograd: the input gradient as the forward
// F(2x2, 3x3) of dy with the turned weight ('adjoint' filters), the weight gradient by F(3x3, 2x2).


/** dw (OC, C, 3, 3) by winogradWeightGrad of x and dy, padding [top, left, ...]. */
function weightGrad(x, dy, pad, kernel) {
  const dw = wg.full([dy.shape[1], x.shape[1], 3, 3], NaN);
  winogradWeightGrad(weightGradGeometry(x, dy, pad), x, dy, dw, kernel);
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
      checkWeightGrad3x3(weightGrad, c.x, c.OC, c.pad);
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

  it('dx and dw take it with >= 16 channels in and out; dx with padding <= 2 at the top and left', () => {
    const x = randn([2, 16, 9, 10]), w = randn([16, 16, 3, 3]);
    for (const padding of [1, 2, [2, 0, 3, 1]]) {
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
    // 15 output channels, or 15 input channels: neither.
    const x = randn([2, 16, 9, 10]), w15 = randn([15, 16, 3, 3]), dy15 = randn([2, 15, 9, 10]);
    const g15 = conv2dBackward(dy15, x, w15, { padding: 1 });
    assert.ok(differs(g15.dx, inputGrad(dy15, w15, x.shape, [1, 1])), 'dx with 15 output channels');
    assert.ok(differs(g15.dw, weightGrad(x, dy15, [1, 1])), 'dw with 15 output channels');
    const x15 = randn([2, 15, 9, 10]), w = randn([16, 15, 3, 3]), dy = randn([2, 16, 9, 10]);
    const gIn = conv2dBackward(dy, x15, w, { padding: 1 });
    assert.ok(differs(gIn.dx, inputGrad(dy, w, x15.shape, [1, 1])), 'dx with 15 input channels');
    assert.ok(differs(gIn.dw, weightGrad(x15, dy, [1, 1])), 'dw with 15 input channels');
    // Unpadded: dx's tiles cover 9x10 where im2col's product runs over dy's 7x8, 0.79 of its
    // multiplies; dw's tiles cover dy, 0.51 of them.
    const w16 = randn([16, 16, 3, 3]), dyValid = randn([2, 16, 7, 8]);
    const valid = conv2dBackward(dyValid, x, w16);
    assert.ok(differs(valid.dx, inputGrad(dyValid, w16, x.shape, [0, 0])), 'dx unpadded');
    assertBitEqual(valid.dw, weightGrad(x, dyValid, [0, 0]), 'dw unpadded');
    // Padding 3 at the top: dx by im2col (it would need padding -1), dw Winograd; both still right.
    const dy3 = randn([2, 16, 11, 10]);
    const g3 = conv2dBackward(dy3, x, w16, { padding: [3, 1, 1, 1] });
    assertBitEqual(g3.dw, weightGrad(x, dy3, [3, 1]), 'dw with padding 3');
    assertClose(g3.dx.toArray(), im2colInputGrad(dy3, w16, x.shape, [3, 1, 1, 1]), 16 * F32_EPS * 145, 'dx with padding 3');
    // A 3x3 output: dw's four tiles hold 9 of 16 positions, 0.79 of im2col's multiplies.
    const xSmall = randn([2, 16, 5, 5]), dySmall = randn([2, 16, 3, 3]);
    assert.ok(differs(conv2dBackward(dySmall, xSmall, w16).dw, weightGrad(xSmall, dySmall, [0, 0])), 'dw of a 3x3 output');
    // Stride 2: neither.
    const dyStrided = randn([2, 16, 4, 4]);
    const strided = conv2dBackward(dyStrided, x, w16, { stride: 2 });
    assertClose(strided.dw.toArray(), naiveConvWeightGrad(x.toArray(), x.shape, dyStrided.toArray(), dyStrided.shape, w16.shape, { stride: 2 }),
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
