// convTranspose3d, the composite of 2-D transposed convolutions, against a float64 model of
// torch's conv_transpose3d and finite differences.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { check } from '../autograd/gradcheck-case.js';

const triple = (v) => (typeof v === 'number' ? [v, v, v] : v);

/** Every input element scattered through every weight tap, in float64; padding symmetric per axis. */
function naiveConvTranspose3d(x, [N, C, D, H, W], w, [, OCg, KD, KH, KW], b, o = {}) {
  const s = triple(o.stride ?? 1), p = triple(o.padding ?? 0), d = triple(o.dilation ?? 1), op = triple(o.outputPadding ?? 0);
  const groups = o.groups ?? 1, OC = OCg * groups, Cg = C / groups, k = [KD, KH, KW];
  const out = [D, H, W].map((n, a) => (n - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1);
  const y = new Float64Array(N * OC * out[0] * out[1] * out[2]);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let id = 0; id < D; id++) for (let ih = 0; ih < H; ih++) for (let iw = 0; iw < W; iw++) {
    const v = x[(((n * C + c) * D + id) * H + ih) * W + iw];
    for (let j = 0; j < OCg; j++) for (let kd = 0; kd < KD; kd++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const at = [id * s[0] - p[0] + kd * d[0], ih * s[1] - p[1] + kh * d[1], iw * s[2] - p[2] + kw * d[2]];
      if (at.some((v2, a) => v2 < 0 || v2 >= out[a])) continue;
      const oc = Math.floor(c / Cg) * OCg + j;
      y[(((n * OC + oc) * out[0] + at[0]) * out[1] + at[1]) * out[2] + at[2]] += v * w[(((c * OCg + j) * KD + kd) * KH + kh) * KW + kw];
    }
  }
  if (b) y.forEach((_, i) => { y[i] += b[Math.floor(i / (out[0] * out[1] * out[2])) % OC]; });
  return { y, shape: [N, OC, ...out] };
}

describe('convTranspose3d: values', () => {
  const cases = [
    { x: [1, 1, 3, 4, 5], w: [1, 2, 3, 3, 3], bias: false, opts: {} },
    { x: [2, 4, 3, 4, 3], w: [4, 3, 2, 3, 2], bias: true, opts: { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [2, 1, 1], outputPadding: [1, 0, 1], groups: 2 } },
    { x: [1, 2, 2, 3, 3], w: [2, 1, 3, 1, 2], bias: true, opts: { stride: 3, padding: [2, 0, 1], outputPadding: [2, 0, 1] } },
    { x: [1, 3, 1, 2, 2], w: [3, 2, 1, 2, 2], bias: false, opts: { dilation: 2 } },
  ];
  for (const c of cases) {
    it(`x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${c.bias ? 'bias ' : ''}${JSON.stringify(c.opts)}`, () => {
      const x = wg.randn(c.x, { seed: 1 }), w = wg.randn(c.w, { seed: 2 });
      const b = c.bias ? wg.randn([c.w[1] * (c.opts.groups ?? 1)], { seed: 3 }) : null;
      const y = wg.convTranspose3d(x, w, b, c.opts);
      const want = naiveConvTranspose3d(x.toArray(), c.x, w.toArray(), c.w, b?.toArray(), c.opts);
      assert.deepEqual(y.shape, want.shape);
      const got = y.toArray();
      const taps = c.x[1] * c.w.slice(2).reduce((a, v) => a * v, 1);
      got.forEach((v, i) => assert.ok(Math.abs(v - want.y[i]) <= 1e-6 * taps * (1 + Math.abs(want.y[i])), `y[${i}]: ${v} vs ${want.y[i]}`));
    });
  }

  it('a transposed convolution of depth-1 input and kernel is convTranspose2d', () => {
    const x = wg.randn([2, 3, 1, 4, 5], { seed: 4 }), w = wg.randn([3, 2, 1, 3, 2], { seed: 5 });
    const opts2 = { stride: [2, 1], padding: [1, 0] };
    const y3 = wg.convTranspose3d(x, w, null, { stride: [1, 2, 1], padding: [0, 1, 0] });
    const y2 = wg.convTranspose2d(wg.reshape(x, [2, 3, 4, 5]), wg.reshape(w, [3, 2, 3, 2]), null, opts2);
    assert.deepEqual([...y3.toArray()], [...y2.toArray()]);
  });

  it('without a graph leaves only its output alive', () => {
    const x = wg.randn([1, 2, 3, 3, 3], { seed: 6 }), w = wg.randn([2, 2, 2, 2, 2], { seed: 7 });
    const before = wg.memory().liveTensors;
    const y = wg.convTranspose3d(x, w, null, { stride: 2 });
    assert.equal(wg.memory().liveTensors, before + 1);
    [x, w, y].forEach((t) => t.dispose());
  });

  it('refuses bad input naming the op, the shapes and the expectation', () => {
    const x = wg.zeros([1, 2, 3, 3, 3]);
    const throwsWith = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message), pattern.toString());
    throwsWith(() => wg.convTranspose3d(wg.zeros([1, 2, 3, 3]), wg.zeros([2, 1, 2, 2, 2])), wg.ShapeError, /convTranspose3d: x must be 5-D \(N, C, D, H, W\), got shape \[1, 2, 3, 3\]/);
    throwsWith(() => wg.convTranspose3d(x, wg.zeros([3, 1, 2, 2, 2])), wg.ShapeError, /convTranspose3d: weight \[3, 1, 2, 2, 2\] must have in_channels = 2/);
    throwsWith(() => wg.convTranspose3d(x, wg.zeros([2, 1, 2, 2, 2]), wg.zeros([2])), wg.ShapeError, /bias \[2\] must be \[1\]/);
    throwsWith(() => wg.convTranspose3d(x, wg.zeros([2, 1, 2, 2, 2]), null, { outputPadding: 1 }), wg.ArgumentError, /outputPadding \[1,1,1\] must be smaller than the stride/);
    throwsWith(() => wg.convTranspose3d(x, wg.zeros([2, 1, 2, 2, 2]), null, { padding: 3 }), wg.ShapeError, /output size would be -2x-2x-2/);
    throwsWith(() => wg.convTranspose3d(x, wg.zeros([2, 1, 2, 2, 2]), null, { groups: 3 }), wg.ArgumentError, /groups must be a whole number >= 1 dividing the 2 input channels/);
  });
});

describe('gradcheck: convTranspose3d', () => {
  const input = (shape, seed) => wg.randn(shape, { seed }).requiresGrad_();
  check('convTranspose3d, bias, stride [2, 1, 2], padding 1, outputPadding [1, 0, 1]', (x, w, b) =>
    wg.convTranspose3d(x, w, b, { stride: [2, 1, 2], padding: 1, outputPadding: [1, 0, 1] }),
    () => [input([1, 2, 2, 3, 2], 51), input([2, 2, 3, 2, 3], 52), input([2], 53)]);
  check('convTranspose3d, groups 2, dilation [2, 1, 1]', (x, w) => wg.convTranspose3d(x, w, null, { groups: 2, dilation: [2, 1, 1] }),
    () => [input([1, 4, 2, 2, 2], 54), input([4, 1, 2, 2, 2], 55)]);
});
