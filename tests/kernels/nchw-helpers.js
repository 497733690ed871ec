// Shared by the NCHW kernel tests: seeded data, comparisons, thread sweeps, and plain float64
// convolutions in JS that the wasm kernels are checked against.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { im2col } from '../../dist/bindings/kernels/conv.js';

let seed = 7000;
/** A seeded randn tensor; every call gives new data. */
export const randn = (shape) => wg.randn(shape, { seed: seed++ });

export const bits = (t) => Buffer.from(t.toArray().buffer).toString('base64');

export const F32_EPS = 2 ** -23;

/** Asserts |got - want| <= tol * (1 + max |want|) elementwise; returns the max difference. */
export function assertClose(got, want, tol, what = '') {
  assert.equal(got.length, want.length, `${what}: length ${got.length} vs ${want.length}`);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol * (1 + scale), `${what}: max |diff| ${worst} at ${at} (${got[at]} vs ${want[at]}) above ${tol * (1 + scale)}`);
  return worst;
}

export function assertBitEqual(a, b, what = '') {
  assert.equal(bits(a), bits(b), `${what}: results differ in their bits`);
}

/** Runs fn (returning tensors) with 1, 2 and 3 threads and asserts identical bits; restores 2 threads. */
export async function assertSameForThreadCounts(fn) {
  const results = [];
  try {
    for (const n of [1, 2, 3]) {
      await wg.setNumThreads(n);
      results.push(fn().map(bits));
    }
  } finally {
    await wg.setNumThreads(2);
  }
  for (let i = 1; i < results.length; i++) assert.deepEqual(results[i], results[0], `threads ${i + 1} vs 1`);
}

export const pair = (v) => (typeof v === 'number' ? [v, v] : v);

/** [top, left, bottom, right] from a number, [h, w], or four sides. */
export function sides(p) {
  if (typeof p === 'number') return [p, p, p, p];
  return p.length === 2 ? [p[0], p[1], p[0], p[1]] : p;
}

/** Direct float64 conv2d: x (N,C,H,W), w (OC,C/g,KH,KW) as flat arrays; returns { data, shape }. */
export function naiveConv2d(x, xShape, w, wShape, b, opts = {}) {
  const [N, C, H, W] = xShape;
  const [OC, Cg, KH, KW] = wShape;
  const [sh, sw] = pair(opts.stride ?? 1);
  const [dh, dw] = pair(opts.dilation ?? 1);
  const [pt, pl, pb, pr] = sides(opts.padding ?? 0);
  const G = opts.groups ?? 1;
  const OCg = OC / G;
  const OH = Math.floor((H + pt + pb - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + pl + pr - dw * (KW - 1) - 1) / sw) + 1;
  const y = new Float64Array(N * OC * OH * OW);
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = Math.floor(oc / OCg);
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let s = b ? b[oc] : 0;
      for (let cg = 0; cg < Cg; cg++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
        const ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        s += x[((n * C + g * Cg + cg) * H + ih) * W + iw] * w[((oc * Cg + cg) * KH + kh) * KW + kw];
      }
      y[((n * OC + oc) * OH + oh) * OW + ow] = s;
    }
  }
  return { data: y, shape: [N, OC, OH, OW] };
}

/** Direct float64 conv_transpose2d: x (N,C,H,W), w (C,OC/g,KH,KW); scatters every product. */
export function naiveConvTranspose2d(x, xShape, w, wShape, b, opts = {}) {
  const [N, C, H, W] = xShape;
  const [, OCg, KH, KW] = wShape;
  const [sh, sw] = pair(opts.stride ?? 1);
  const [dh, dw] = pair(opts.dilation ?? 1);
  const [pt, pl, pb, pr] = sides(opts.padding ?? 0);
  const [oph, opw] = pair(opts.outputPadding ?? 0);
  const G = opts.groups ?? 1;
  const Cg = C / G;
  const OC = OCg * G;
  const OH = (H - 1) * sh - pt - pb + dh * (KH - 1) + oph + 1;
  const OW = (W - 1) * sw - pl - pr + dw * (KW - 1) + opw + 1;
  const y = new Float64Array(N * OC * OH * OW);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    const g = Math.floor(c / Cg);
    for (let ih = 0; ih < H; ih++) for (let iw = 0; iw < W; iw++) {
      const v = x[((n * C + c) * H + ih) * W + iw];
      for (let oc = 0; oc < OCg; oc++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
        const oh = ih * sh - pt + kh * dh, ow = iw * sw - pl + kw * dw;
        if (oh < 0 || oh >= OH || ow < 0 || ow >= OW) continue;
        y[((n * OC + g * OCg + oc) * OH + oh) * OW + ow] += v * w[((c * OCg + oc) * KH + kh) * KW + kw];
      }
    }
  }
  if (b) for (let i = 0; i < y.length; i++) y[i] += b[Math.floor(i / (OH * OW)) % OC];
  return { data: y, shape: [N, OC, OH, OW] };
}

/** sum(f(x) * r) in float64, from a forward that returns a tensor. */
export function weightedSum(y, r) {
  const v = y.toArray();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * r[i];
  return s;
}

/**
 * Central differences of L(t) = sum(forward(t) * r) with respect to every element of the data
 * array `values` (shape `shape`): the gradient numerically, through the wasm forward wrapper.
 */
export function numericalGradient(values, shape, r, forward, h) {
  const grad = new Float64Array(values.length);
  const probe = Float32Array.from(values);
  for (let i = 0; i < values.length; i++) {
    const keep = probe[i];
    const at = (v) => {
      probe[i] = v;
      const t = wg.tensor(probe, shape);
      const y = forward(t);
      const s = weightedSum(y, r);
      t.dispose();
      y.dispose();
      return s;
    };
    grad[i] = (at(keep + h) - at(keep - h)) / (2 * h);
    probe[i] = keep;
  }
  return grad;
}

/**
 * Direct float64 weight gradient of a convolution from `input` (N,C,H,W) to `doutput` (N,OC,OH,OW)
 * with weight shape (OC, C/g, KH, KW): dw = sum over n, oh, ow of doutput * input at the tap.
 */
export function naiveConvWeightGrad(input, inShape, doutput, outShape, wShape, opts = {}) {
  const [N, C, H, W] = inShape;
  const [, OC, OH, OW] = outShape;
  const [, Cg, KH, KW] = wShape;
  const [sh, sw] = pair(opts.stride ?? 1);
  const [dh, dw] = pair(opts.dilation ?? 1);
  const [pt, pl] = sides(opts.padding ?? 0);
  const OCg = OC / (opts.groups ?? 1);
  const grad = new Float64Array(OC * Cg * KH * KW);
  for (let oc = 0; oc < OC; oc++) {
    const g = Math.floor(oc / OCg);
    for (let cg = 0; cg < Cg; cg++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      let s = 0;
      for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
        const ih = oh * sh - pt + kh * dh, iw = ow * sw - pl + kw * dw;
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        s += doutput[((n * OC + oc) * OH + oh) * OW + ow] * input[((n * C + g * Cg + cg) * H + ih) * W + iw];
      }
      grad[((oc * Cg + cg) * KH + kh) * KW + kw] = s;
    }
  }
  return grad;
}

/** Per-channel float64 sums of (N, C, ...) data. */
export function channelSums(data, shape) {
  const [N, C] = shape;
  const S = data.length / (N * C);
  const out = new Float64Array(C);
  for (let i = 0; i < data.length; i++) out[Math.floor(i / S) % C] += data[i];
  return out;
}

/**
 * The im2col path's weight gradient of a 3x3 convolution with `padding`: the sum over n of
 * dy[n] (OC, S) @ cols[n]ᵀ (S, C*9), in float32 through the public ops, as a flat array.
 */
export function im2colWeightGrad(x, dy, padding) {
  const [N, OC, OH, OW] = dy.shape;
  const cols = im2col(x, { kernelSize: 3, padding });
  return wg.sum(wg.matmul(wg.reshape(dy, [N, OC, OH * OW]), wg.transpose(cols, 1, 2)), 0).toArray();
}

/**
 * Checks one case of a 3x3 weight-gradient kernel `weightGrad(x, dy, padding, kernel)` on random
 * x (xShape) and dy: the SIMD kernel bit-equal to its scalar reference, and close to float64 and
 * to the im2col path, within a tolerance that grows with the sum's length (every output position).
 */
export function checkWeightGrad3x3(weightGrad, xShape, OC, padding) {
  const [OH, OW] = [xShape[2] + padding[0] + padding[2] - 2, xShape[3] + padding[1] + padding[3] - 2];
  const x = randn(xShape), dy = randn([xShape[0], OC, OH, OW]);
  const dw = weightGrad(x, dy, padding);
  assertBitEqual(dw, weightGrad(x, dy, padding, 'reference'), 'SIMD vs reference');
  const terms = xShape[0] * OH * OW;
  const want = naiveConvWeightGrad(x.toArray(), xShape, dy.toArray(), dy.shape, [OC, xShape[1], 3, 3], { padding });
  assertClose(dw.toArray(), want, 8 * F32_EPS * (terms + 1), 'dw vs float64');
  assertClose(dw.toArray(), im2colWeightGrad(x, dy, padding), 16 * F32_EPS * (terms + 1), 'dw vs im2col');
}

/** The geometry the weight-gradient kernels take: the convolution from x to dy with top/left padding [pt, pl, ...]. */
export function weightGradGeometry(x, dy, [pt, pl]) {
  const [N, C, H, W] = x.shape;
  const [, OC, OH, OW] = dy.shape;
  return { N, C, OC, H, W, OH, OW, pt, pl };
}
