import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import {
  col2im, conv2dBackward, conv2dForward, convTranspose2dBackward, convTranspose2dForward, im2col, channelSum,
} from '../../dist/bindings/kernels/conv.js';
import {
  assertBitEqual, assertClose, assertSameForThreadCounts, channelSums, F32_EPS, naiveConv2d, naiveConvTranspose2d,
  naiveConvWeightGrad, numericalGradient, pair, randn, sides,
} from './nchw-helpers.js';

/** 'same' padding as torch resolves it, for the JS references. */
function resolvePadding(opts, wShape) {
  if (opts.padding !== 'same') return opts;
  const [dh, dw] = pair(opts.dilation ?? 1);
  const th = dh * (wShape[2] - 1), tw = dw * (wShape[3] - 1);
  return { ...opts, padding: [th >> 1, tw >> 1, th - (th >> 1), tw - (tw >> 1)] };
}

// x shape, weight shape, options: odd sizes, strides, asymmetric paddings, dilations, groups, 1x1.
const CONV_CASES = [
  { name: '3x3 pad 1', x: [2, 3, 7, 9], w: [4, 3, 3, 3], opts: { padding: 1 }, bias: true },
  { name: 'stride [2,3], pad [1,0], dilation [2,1], groups 2', x: [1, 4, 10, 11], w: [6, 2, 3, 2], opts: { stride: [2, 3], padding: [1, 0], dilation: [2, 1], groups: 2 }, bias: true },
  { name: 'depthwise, stride 2, asymmetric padding', x: [2, 5, 9, 8], w: [5, 1, 3, 3], opts: { groups: 5, stride: 2, padding: [0, 1, 2, 1] }, bias: true },
  { name: 'depthwise with multiplier 2', x: [1, 3, 6, 5], w: [6, 1, 3, 3], opts: { groups: 3, padding: 1 }, bias: false },
  { name: '1x1 (plain GEMM)', x: [3, 6, 5, 7], w: [8, 6, 1, 1], opts: {}, bias: true },
  { name: '1x1, groups 3', x: [2, 6, 4, 3], w: [6, 2, 1, 1], opts: { groups: 3 }, bias: true },
  { name: '1x1 stride 2', x: [2, 5, 7, 6], w: [4, 5, 1, 1], opts: { stride: 2 }, bias: false },
  { name: 'kernel larger than the input, pad 2', x: [1, 2, 3, 3], w: [3, 2, 5, 5], opts: { padding: 2 }, bias: true },
  { name: "padding 'same', even kernel, dilation 2", x: [1, 3, 6, 7], w: [2, 3, 4, 4], opts: { padding: 'same', dilation: 2 }, bias: false },
  { name: 'k = 1 channel, 1x1 image', x: [4, 1, 1, 1], w: [2, 1, 1, 1], opts: {}, bias: true },
  { name: '1 channel in, 12 out, stride 2 (dw computed transposed: 9 taps < 12 rows)', x: [3, 1, 9, 8], w: [12, 1, 3, 3],
    opts: { padding: 1, stride: 2 }, bias: true },
  { name: 'groups 2 of 1 channel in, 10 out (dw transposed per group)', x: [2, 2, 7, 6], w: [20, 1, 3, 3], opts: { groups: 2 }, bias: false },
  { name: 'many channels (K spans GEMM blocks)', x: [2, 40, 6, 6], w: [9, 40, 3, 3], opts: { padding: 1, stride: 2 }, bias: true },
];

/** Random x, weight and (if the case has one) bias of `outChannels`, as tensors and arrays. */
function setup(c, outChannels = c.w[0]) {
  const x = randn(c.x);
  const w = randn(c.w);
  const b = c.bias ? randn([outChannels]) : null;
  return { x, w, b, xs: x.toArray(), ws: w.toArray(), bs: b?.toArray() };
}

describe('conv kernels: im2col and col2im against their scalar references', () => {
  const cases = [
    { x: [2, 3, 7, 9], k: 3, opts: { padding: 1 } },
    { x: [1, 2, 10, 11], k: [3, 2], opts: { stride: [2, 3], padding: [1, 0, 2, 1], dilation: [2, 1] } },
    { x: [3, 1, 5, 5], k: 5, opts: { padding: 2, stride: 3 } },
    { x: [1, 4, 6, 13], k: 1, opts: { stride: 2 } },
    { x: [2, 2, 4, 4], k: 2, opts: { padding: [0, 1], dilation: 3 } },
  ];
  for (const c of cases) {
    it(`x ${JSON.stringify(c.x)}, kernel ${JSON.stringify(c.k)}, ${JSON.stringify(c.opts)}: bit-identical`, () => {
      const x = randn(c.x);
      const opts = { kernelSize: c.k, ...c.opts };
      const cols = im2col(x, opts);
      assertBitEqual(cols, im2col(x, { ...opts, kernel: 'reference' }), 'im2col');
      const size = [c.x[2], c.x[3]];
      const back = col2im(cols, size, opts);
      assertBitEqual(back, col2im(cols, size, { ...opts, kernel: 'reference' }), 'col2im');
      assert.deepEqual(back.shape, c.x);
    });
  }

  it('im2col matches the unfold definition element by element', () => {
    const x = randn([1, 2, 4, 5]);
    const xs = x.toArray();
    const cols = im2col(x, { kernelSize: [2, 3], stride: [1, 2], padding: 1, dilation: 1 }).toArray();
    // OH = (4 + 2 - 1 - 1)/1 + 1 = 5, OW = floor((5 + 2 - 2 - 1)/2) + 1 = 3
    for (let c = 0; c < 2; c++) for (let kh = 0; kh < 2; kh++) for (let kw = 0; kw < 3; kw++) {
      for (let oh = 0; oh < 5; oh++) for (let ow = 0; ow < 3; ow++) {
        const ih = oh - 1 + kh, iw = ow * 2 - 1 + kw;
        const want = ih < 0 || ih >= 4 || iw < 0 || iw >= 5 ? 0 : xs[(c * 4 + ih) * 5 + iw];
        assert.equal(cols[((c * 2 + kh) * 3 + kw) * 15 + oh * 3 + ow], want);
      }
    }
  });

  it('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    const opts = { kernelSize: 3, stride: 2, padding: [1, 2, 0, 1], dilation: [1, 2] };
    const x = randn([2, 3, 8, 9]);
    const cols = im2col(x, opts);
    const c = randn(cols.shape);
    const back = col2im(c, [8, 9], opts);
    const dot = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0);
    const lhs = dot(cols.toArray(), c.toArray());
    const rhs = dot(x.toArray(), back.toArray());
    assert.ok(Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
  });

  it('channelSum against its reference and float64', () => {
    const t = randn([3, 5, 7, 9]);
    const ours = channelSum(t).toArray();
    assertClose(ours, channelSum(t, 'reference').toArray(), 64 * F32_EPS, 'vs reference');
    assertClose(ours, channelSums(t.toArray(), t.shape), 64 * F32_EPS, 'vs float64');
  });
});

describe('conv kernels: conv2d forward against a direct convolution', () => {
  for (const c of CONV_CASES) {
    it(c.name, () => {
      const { x, w, b, xs, ws, bs } = setup(c);
      const y = conv2dForward(x, w, b, c.opts);
      const want = naiveConv2d(xs, c.x, ws, c.w, bs, resolvePadding(c.opts, c.w));
      assert.deepEqual(y.shape, want.shape);
      assertClose(y.toArray(), want.data, 8 * F32_EPS * (c.w[1] * c.w[2] * c.w[3] + 1), 'y');
    });
  }

  it('a batch lowered in several chunks (columns over the budget)', function () {
    this.timeout(20000);
    const c = { x: [3, 16, 100, 100], w: [2, 16, 3, 3], opts: { padding: 1 }, bias: true };
    const { x, w, b, xs, ws, bs } = setup(c);
    const want = naiveConv2d(xs, c.x, ws, c.w, bs, c.opts);
    assertClose(conv2dForward(x, w, b, c.opts).toArray(), want.data, 8 * F32_EPS * 145, 'y');
    const dy = randn(want.shape);
    const { dw } = conv2dBackward(dy, x, w, c.opts, { input: false, bias: false });
    assertClose(dw.toArray(), naiveConvWeightGrad(xs, c.x, dy.toArray(), want.shape, c.w, c.opts), 8 * F32_EPS * 3e4, 'dw');
  });
});

describe('conv kernels: conv2d backward', () => {
  for (const c of CONV_CASES) {
    it(`${c.name}: dx, dw, db against direct float64 loops`, () => {
      const { x, w, b, xs, ws } = setup(c);
      const opts = resolvePadding(c.opts, c.w);
      const y = conv2dForward(x, w, b, c.opts);
      const dy = randn(y.shape);
      const dys = dy.toArray();
      const { dx, dw, db } = conv2dBackward(dy, x, w, c.opts);
      const [, , OH, OW] = y.shape;
      const [pt, pl, pb, pr] = sides(opts.padding ?? 0);
      const [sh, sw] = pair(opts.stride ?? 1);
      const [dh, dwl] = pair(opts.dilation ?? 1);
      // dx is the transposed convolution of dy, padded out to x's size.
      const outputPadding = [
        c.x[2] - ((OH - 1) * sh - pt - pb + dh * (c.w[2] - 1) + 1),
        c.x[3] - ((OW - 1) * sw - pl - pr + dwl * (c.w[3] - 1) + 1),
      ];
      const wantDx = naiveConvTranspose2d(dys, y.shape, ws, c.w, null, { ...opts, outputPadding });
      assert.deepEqual(dx.shape, c.x);
      const taps = c.w[2] * c.w[3];
      assertClose(dx.toArray(), wantDx.data, 8 * F32_EPS * (c.w[0] * taps + 1), 'dx');
      const wantDw = naiveConvWeightGrad(xs, c.x, dys, y.shape, c.w, opts);
      assertClose(dw.toArray(), wantDw, 8 * F32_EPS * (c.x[0] * OH * OW + 1), 'dw');
      assertClose(db.toArray(), channelSums(dys, y.shape), 64 * F32_EPS, 'db');
    });
  }

  it('matches central differences of the forward (tiny case)', () => {
    const opts = { stride: [2, 1], padding: [1, 0, 0, 1], dilation: [1, 2], groups: 2 };
    const xShape = [2, 4, 5, 6], wShape = [2, 2, 2, 3];
    const x = randn(xShape), w = randn(wShape), b = randn([2]);
    const y = conv2dForward(x, w, b, opts);
    const r = randn(y.shape);
    const rs = r.toArray();
    const { dx, dw, db } = conv2dBackward(r, x, w, opts);
    const h = 0.25;
    assertClose(dx.toArray(), numericalGradient(x.toArray(), xShape, rs, (t) => conv2dForward(t, w, b, opts), h), 1e-4, 'dx');
    assertClose(dw.toArray(), numericalGradient(w.toArray(), wShape, rs, (t) => conv2dForward(x, t, b, opts), h), 1e-4, 'dw');
    assertClose(db.toArray(), numericalGradient(b.toArray(), [2], rs, (t) => conv2dForward(x, w, t, opts), h), 1e-4, 'db');
  });

  it('needs: only the asked-for gradients are computed', () => {
    const x = randn([1, 2, 4, 4]), w = randn([3, 2, 3, 3]);
    const dy = randn([1, 3, 2, 2]);
    const g = conv2dBackward(dy, x, w, {}, { input: false, bias: false });
    assert.equal(g.dx, null);
    assert.equal(g.db, null);
    assert.deepEqual(g.dw.shape, [3, 2, 3, 3]);
  });
});

const TRANSPOSE_CASES = [
  { name: 'stride 2, pad 1, outputPadding 1', x: [2, 3, 4, 5], w: [3, 4, 3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 }, bias: true },
  { name: 'groups 2, dilation [2,1], asymmetric padding', x: [1, 4, 5, 3], w: [4, 3, 2, 3], opts: { groups: 2, dilation: [2, 1], padding: [1, 0, 0, 2], stride: [1, 2] }, bias: true },
  { name: 'depthwise', x: [2, 3, 4, 4], w: [3, 1, 3, 3], opts: { groups: 3, stride: 3 }, bias: false },
  { name: '1x1 stride 1 (plain GEMM)', x: [2, 5, 3, 4], w: [5, 6, 1, 1], opts: {}, bias: true },
  { name: '1x1 stride 2 with outputPadding', x: [1, 2, 3, 3], w: [2, 2, 1, 1], opts: { stride: 2, outputPadding: 1 }, bias: true },
];

describe('conv kernels: convTranspose2d', () => {
  for (const c of TRANSPOSE_CASES) {
    it(`${c.name}: forward and backward against direct float64 loops`, () => {
      const { x, w, b, xs, ws, bs } = setup(c, c.w[1] * (c.opts.groups ?? 1));
      const y = convTranspose2dForward(x, w, b, c.opts);
      const want = naiveConvTranspose2d(xs, c.x, ws, c.w, bs, c.opts);
      assert.deepEqual(y.shape, want.shape);
      const taps = c.w[2] * c.w[3];
      assertClose(y.toArray(), want.data, 8 * F32_EPS * (c.w[0] * taps + 1), 'y');
      const dy = randn(y.shape);
      const dys = dy.toArray();
      const { dx, dw, db } = convTranspose2dBackward(dy, x, w, c.opts);
      const convOpts = { stride: c.opts.stride, padding: c.opts.padding, dilation: c.opts.dilation, groups: c.opts.groups };
      const wantDx = naiveConv2d(dys, y.shape, ws, c.w, null, convOpts);
      assert.deepEqual(wantDx.shape, c.x);
      assertClose(dx.toArray(), wantDx.data, 8 * F32_EPS * (c.w[1] * taps * ((c.opts.groups ?? 1)) + 1), 'dx');
      const wantDw = naiveConvWeightGrad(dys, y.shape, xs, c.x, c.w, convOpts);
      assertClose(dw.toArray(), wantDw, 8 * F32_EPS * (c.x[0] * c.x[2] * c.x[3] + 1), 'dw');
      assertClose(db.toArray(), channelSums(dys, y.shape), 64 * F32_EPS, 'db');
    });
  }

  it('backward matches central differences of the forward (tiny case)', () => {
    const opts = { stride: 2, padding: [0, 1], outputPadding: [1, 0], groups: 2 };
    const xShape = [1, 2, 3, 3], wShape = [2, 2, 2, 3];
    const x = randn(xShape), w = randn(wShape), b = randn([4]);
    const y = convTranspose2dForward(x, w, b, opts);
    const rs = randn(y.shape).toArray();
    const { dx, dw, db } = convTranspose2dBackward(wg.tensor(rs, y.shape), x, w, opts);
    const h = 0.25;
    const fwd = (xx, ww, bb) => convTranspose2dForward(xx, ww, bb, opts);
    assertClose(dx.toArray(), numericalGradient(x.toArray(), xShape, rs, (t) => fwd(t, w, b), h), 1e-4, 'dx');
    assertClose(dw.toArray(), numericalGradient(w.toArray(), wShape, rs, (t) => fwd(x, t, b), h), 1e-4, 'dw');
    assertClose(db.toArray(), numericalGradient(b.toArray(), [4], rs, (t) => fwd(x, w, t), h), 1e-4, 'db');
  });
});

describe('conv kernels: the same bits for 1, 2 and 3 threads', () => {
  it('conv2d forward and backward, convTranspose2d forward and backward', async () => {
    const x = randn([4, 8, 21, 19]), w = randn([16, 4, 3, 3]), b = randn([16]);
    const opts = { padding: [1, 2], stride: [1, 2], groups: 2 };
    const dy = randn(conv2dForward(x, w, b, opts).shape);
    const x1 = randn([5, 1, 13, 12]), w1 = randn([16, 1, 3, 3]);
    const dy1 = randn([5, 16, 7, 6]);
    const tw = randn([8, 6, 3, 3]);
    const tOpts = { stride: 2, padding: 1 };
    const tdy = randn(convTranspose2dForward(x, tw, null, tOpts).shape);
    await assertSameForThreadCounts(() => {
      const g = conv2dBackward(dy, x, w, opts);
      const t = convTranspose2dBackward(tdy, x, tw, tOpts);
      // A strided first layer: one channel in, its weight gradient computed transposed.
      const first = conv2dBackward(dy1, x1, w1, { padding: 1, stride: 2 });
      return [conv2dForward(x, w, b, opts), g.dx, g.dw, g.db, convTranspose2dForward(x, tw, null, tOpts), t.dx, t.dw, t.db, first.dx, first.dw];
    });
  });
});

describe('conv kernels: argument errors', () => {
  let x;
  before(() => {
    x = randn([2, 4, 6, 6]);
  });
  const throwsWith = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), pattern.toString());
  it('wrong channel count, groups not dividing, bad bias', () => {
    throwsWith(() => conv2dForward(x, randn([3, 3, 3, 3])), wg.ShapeError, /conv2d: weight \[3, 3, 3, 3\] must have in_channels\/groups = 4/);
    throwsWith(() => conv2dForward(x, randn([3, 1, 3, 3]), null, { groups: 3 }), wg.ShapeError, /groups = 3 must divide the input channels \(4\)/);
    throwsWith(() => conv2dForward(x, randn([3, 2, 3, 3]), null, { groups: 2 }), wg.ShapeError, /must divide the output channels of the weight \(3\)/);
    throwsWith(() => conv2dForward(x, randn([3, 4, 3, 3]), randn([4])), wg.ShapeError, /conv2d: bias must have shape \[3\]/);
    throwsWith(() => conv2dForward(x, randn([3, 4, 3, 3]), null, { groups: 0 }), wg.ArgumentError, /groups must be a whole number >= 1/);
  });
  it('output size <= 0, bad stride, padding and dy shapes', () => {
    throwsWith(() => conv2dForward(x, randn([3, 4, 7, 7])), wg.ShapeError, /output size would be 0x0 for input \[2, 4, 6, 6\]/);
    throwsWith(() => conv2dForward(x, randn([3, 4, 3, 3]), null, { stride: 0 }), wg.ArgumentError, /stride must be a whole number >= 1/);
    throwsWith(() => conv2dForward(x, randn([3, 4, 3, 3]), null, { padding: [1, 2, 3] }), wg.ArgumentError, /padding must be a number/);
    throwsWith(() => conv2dForward(x, randn([3, 4, 3, 3]), null, { padding: 'same', stride: 2 }), wg.ArgumentError, /'same' needs stride 1/);
    throwsWith(() => conv2dBackward(randn([2, 3, 5, 5]), x, randn([3, 4, 3, 3])), wg.ShapeError, /dy must have shape \[2, 3, 4, 4\]/);
    throwsWith(() => conv2dForward(randn([4, 6, 6]), randn([3, 4, 3, 3])), wg.ShapeError, /x must be 4-D/);
    throwsWith(() => conv2dForward(wg.zeros([2, 4, 6, 6], 'int32'), randn([3, 4, 3, 3])), wg.DTypeError, /x must be float32/);
  });
  it('convTranspose2d: in_channels, outputPadding', () => {
    throwsWith(() => convTranspose2dForward(x, randn([3, 2, 3, 3])), wg.ShapeError, /must have in_channels = 4 in dim 0/);
    throwsWith(() => convTranspose2dForward(x, randn([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }), wg.ArgumentError, /outputPadding \[2,2\] must be smaller/);
  });
  it('non-contiguous input', () => {
    const base = randn([2, 4, 6, 7]);
    const view = new wg.Tensor(base.storage, [2, 4, 6, 6], 'float32', [168, 42, 7, 1]);
    base.storage.retain();
    throwsWith(() => conv2dForward(view, randn([3, 4, 3, 3])), wg.ShapeError, /make it contiguous first/);
  });
});
