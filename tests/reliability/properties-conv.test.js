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
 * Input height and width: from one pixel to the dilated kernel plus extra. Inputs smaller than the
 * dilated kernel fit only through the padding; the sizes that do not fit at all are dropped.
 */
function inputSize({ k, dilation, extra }, small) {
  return [0, 1].map((i) => (small[i] ? 1 + extra[i] : dilation[i] * (k[i] - 1) + 1 + extra[i]));
}

/** Whether a convolution with this window has an output of at least 1x1 for an input of `size`. */
function fits({ k, dilation, padding }, [H, W]) {
  const [pt, pl, pb, pr] = padding;
  return H + pt + pb >= dilation[0] * (k[0] - 1) + 1 && W + pl + pr >= dilation[1] * (k[1] - 1) + 1;
}

/** The top-left H x W of every plane of `data`, an (N, C, FH, FW) array. */
function cropPlanes(data, [N, C, FH, FW], H, W) {
  const out = new Float64Array(N * C * H * W);
  for (let p = 0; p < N * C; p++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) out[(p * H + h) * W + w] = data[(p * FH + h) * FW + w];
    }
  }
  return out;
}

const convArb = fc.record({
  win: windowArb, small: fc.tuple(fc.boolean(), fc.boolean()), N: dim(2), groups: dim(3), Cg: dim(3), OCg: dim(3),
  bias: fc.boolean(), s: seed,
}).filter(({ win, small }) => fits(win, inputSize(win, small)));

describe(`property tests: convolution (${RUNS} cases per family)`, () => {
  it('conv2d forward and backward (dx, dw, db) equal direct float64 loops', () => {
    check('conv2d', convArb, ({ win, small, N, groups, Cg, OCg, bias, s }) => {
      const [H, W] = inputSize(win, small);
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
      // outputPadding below the stride or the dilation, as torch allows.
      const op = outputPadding.map((p, i) => Math.min(p, Math.max(win.stride[i], win.dilation[i]) - 1));
      // The padding keeps at least one output pixel.
      const [pt, pl, pb, pr] = win.padding;
      const spare = [H, W].map((d, i) => (d - 1) * win.stride[i] + op[i] + win.dilation[i] * (win.k[i] - 1));
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
      // The underlying convolution of dy, cropped to x: rows that only the outputPadding made reach no x.
      const full = naiveConv2d(dys, y.shape, ws, w.shape, null, convOpts);
      const wantDx = cropPlanes(full.data, full.shape, H, W);
      assertClose(dx.toArray(), wantDx, 8 * F32_EPS * (OCg * taps * groups + 1), `dx of ${what}`);
      assertClose(dw.toArray(), naiveConvWeightGrad(dys, y.shape, xs, x.shape, w.shape, convOpts), 8 * F32_EPS * (N * H * W + 1), `dw of ${what}`);
      assertClose(db.toArray(), channelSums(dys, y.shape), 64 * F32_EPS, `db of ${what}`);
    });
  });

  it('im2col and col2im: SIMD bit-equal to the scalar references', () => {
    const arb = fc.record({ win: windowArb, small: fc.tuple(fc.boolean(), fc.boolean()), N: dim(2), C: dim(4), s: seed })
      .filter(({ win, small }) => fits(win, inputSize(win, small)));
    check('im2col/col2im', arb, ({ win, small, N, C, s }) => {
      const [H, W] = inputSize(win, small);
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
