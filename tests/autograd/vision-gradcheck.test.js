// The vision ops (convolution, pooling, batch norm, upsampling) against finite differences.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { check } from './gradcheck-case.js';

function lcg(seed) {
  let s = seed * 7919 + 17;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

// Values with |x| in [0.2, 1.2], mixed signs.
function input(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const rnd = lcg(seed);
  const values = Float32Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1) * (0.2 + rnd()));
  return wg.tensor(values, shape).requiresGrad_();
}

// Distinct values 0.05 apart in a shuffled order: a ±1e-2 nudge never changes which one is a maximum.
function distinct(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const rnd = lcg(seed);
  const values = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return wg.tensor(values, shape).requiresGrad_();
}

describe('gradcheck: convolutions', () => {
  check('conv2d, bias', (x, w, b) => wg.conv2d(x, w, b), () => [input([2, 3, 5, 5], 1), input([4, 3, 3, 3], 2), input([4], 3)]);
  check('conv2d, stride 2, padding 1', (x, w, b) => wg.conv2d(x, w, b, { stride: 2, padding: 1 }),
    () => [input([2, 2, 6, 5], 4), input([3, 2, 3, 3], 5), input([3], 6)]);
  check('conv2d, dilation 2, stride [1, 2], no bias', (x, w) => wg.conv2d(x, w, null, { dilation: 2, stride: [1, 2] }),
    () => [input([1, 2, 7, 7], 7), input([2, 2, 3, 2], 8)]);
  check('conv2d, groups 2', (x, w, b) => wg.conv2d(x, w, b, { groups: 2, padding: [1, 0] }),
    () => [input([2, 4, 4, 4], 9), input([6, 2, 3, 3], 10), input([6], 11)]);
  check('conv2d, depthwise (groups = C), padding same', (x, w) => wg.conv2d(x, w, undefined, { groups: 3, padding: 'same' }),
    () => [input([2, 3, 5, 4], 12), input([3, 1, 3, 3], 13)]);
  check('conv2d, asymmetric padding [top, left, bottom, right]', (x, w) => wg.conv2d(x, w, null, { padding: [1, 0, 0, 2] }),
    () => [input([1, 2, 4, 4], 14), input([2, 2, 2, 3], 15)]);
  check('conv2d, 1x1 pointwise', (x, w, b) => wg.conv2d(x, w, b), () => [input([2, 3, 3, 3], 16), input([5, 3, 1, 1], 17), input([5], 18)]);
  check('conv2d, 3x3 stride 1, 8 -> 16 channels (dx and dw by Winograd)', (x, w) => wg.conv2d(x, w, null, { padding: [2, 1, 0, 1] }),
    () => [input([1, 8, 4, 5], 29), input([16, 8, 3, 3], 30)]);
  check('convTranspose2d, bias', (x, w, b) => wg.convTranspose2d(x, w, b), () => [input([2, 3, 3, 3], 19), input([3, 2, 3, 3], 20), input([2], 21)]);
  check('convTranspose2d, stride 2, padding 1, outputPadding 1', (x, w, b) =>
    wg.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    () => [input([1, 2, 3, 4], 22), input([2, 3, 3, 3], 23), input([3], 24)]);
  check('convTranspose2d, groups 2, dilation 2', (x, w) => wg.convTranspose2d(x, w, null, { groups: 2, dilation: 2 }),
    () => [input([2, 4, 3, 3], 25), input([4, 1, 2, 2], 26)]);
  check('conv2d of a non-contiguous (transposed) input', (x, w) => wg.conv2d(wg.transpose(x, 2, 3), w),
    () => [input([1, 2, 5, 4], 27), input([2, 2, 3, 3], 28)]);
});

describe('gradcheck: 1-D and 3-D convolutions', () => {
  check('conv1d, bias, stride 2, padding [1, 2]', (x, w, b) => wg.conv1d(x, w, b, { stride: 2, padding: [1, 2] }),
    () => [input([2, 3, 7], 60), input([4, 3, 3], 61), input([4], 62)]);
  check('conv1d, groups 2, dilation 2, padding same', (x, w) => wg.conv1d(x, w, null, { groups: 2, dilation: 2, padding: 'same' }),
    () => [input([1, 4, 6], 63), input([2, 2, 3], 64)]);
  check('conv3d, bias', (x, w, b) => wg.conv3d(x, w, b), () => [input([2, 2, 3, 4, 3], 65), input([3, 2, 2, 2, 2], 66), input([3], 67)]);
  check('conv3d, stride [2, 1, 2], padding 1, dilation [1, 2, 1], groups 2', (x, w) =>
    wg.conv3d(x, w, null, { stride: [2, 1, 2], padding: 1, dilation: [1, 2, 1], groups: 2 }),
    () => [input([1, 4, 4, 4, 4], 68), input([2, 2, 3, 2, 2], 69)]);
  check('conv3d, asymmetric padding [front, top, left, back, bottom, right]', (x, w) =>
    wg.conv3d(x, w, null, { padding: [1, 0, 2, 0, 1, 0] }), () => [input([1, 2, 3, 3, 3], 70), input([2, 2, 2, 2, 2], 71)]);
});

describe('gradcheck: pooling', () => {
  check('maxPool1d 3, stride 2, padding 1', (x) => wg.maxPool1d(x, 3, { stride: 2, padding: 1 }), () => [distinct([2, 3, 8], 72)]);
  check('avgPool1d 3, stride 2, countIncludePad false, ceil mode', (x) =>
    wg.avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), () => [input([2, 2, 8], 73)]);
  check('maxPool2d 2x2', (x) => wg.maxPool2d(x, 2), () => [distinct([2, 2, 4, 6], 30)]);
  check('maxPool2d 3x3, stride 2, padding 1', (x) => wg.maxPool2d(x, 3, { stride: 2, padding: 1 }), () => [distinct([1, 2, 5, 5], 31)]);
  check('maxPool2d, dilation 2', (x) => wg.maxPool2d(x, 2, { stride: 1, dilation: 2 }), () => [distinct([1, 2, 5, 5], 32)]);
  check('maxPool2d, ceil mode', (x) => wg.maxPool2d(x, 2, { ceilMode: true }), () => [distinct([2, 1, 5, 5], 33)]);
  check('avgPool2d 2x2', (x) => wg.avgPool2d(x, 2), () => [input([2, 2, 4, 6], 34)]);
  check('avgPool2d 3x3, stride 2, padding 1, countIncludePad false', (x) =>
    wg.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), () => [input([1, 2, 5, 5], 35)]);
  check('avgPool2d, ceil mode', (x) => wg.avgPool2d(x, [2, 3], { ceilMode: true, stride: 2 }), () => [input([2, 1, 5, 6], 36)]);
  check('globalAvgPool2d (adaptiveAvgPool2d to 1)', (x) => wg.adaptiveAvgPool2d(x, 1), () => [input([2, 3, 4, 5], 37)]);
  check('adaptiveAvgPool2d to 2x3', (x) => wg.adaptiveAvgPool2d(x, [2, 3]), () => [input([1, 2, 4, 6], 38)]);
  check('globalMaxPool2d', (x) => wg.globalMaxPool2d(x), () => [distinct([2, 3, 3, 4], 39)]);
});

describe('gradcheck: batch norm and upsampling', () => {
  check('batchNorm training, weight and bias', (x, w, b) => wg.batchNorm(x, null, null, { weight: w, bias: b, training: true }),
    () => [input([3, 2, 3, 3], 40), input([2], 41), input([2], 42)]);
  check('batchNorm training, no affine, updating running stats', (x) =>
    wg.batchNorm(x, wg.zeros([3]), wg.ones([3]), { training: true, momentum: 0.2 }), () => [input([4, 3, 2, 2], 43)]);
  check('batchNorm eval, weight and bias', (x, w, b) =>
    wg.batchNorm(x, wg.tensor([0.1, -0.2]), wg.tensor([0.5, 2]), { weight: w, bias: b, eps: 1e-3 }),
    () => [input([3, 2, 3, 3], 44), input([2], 45), input([2], 46)]);
  check('batchNorm on (N, C)', (x, w) => wg.batchNorm(x, null, null, { weight: w, training: true }), () => [input([6, 3], 47), input([3], 48)]);
  check('upsampleNearest x2', (x) => wg.upsampleNearest(x, 2), () => [input([2, 2, 3, 3], 49)]);
  check('upsampleNearest [1, 3]', (x) => wg.upsampleNearest(x, [1, 3]), () => [input([1, 2, 2, 3], 50)]);
});

describe('vision ops: values and errors', () => {
  it('maxPool2d matches a hand-computed result, and its gradient goes to each maximum', () => {
    const x = wg.tensor([1, 5, 2, 0, 3, 4, 8, 7, 6, 9, -1, 2, 0, 1, 3, 4], [1, 1, 4, 4]).requiresGrad_();
    const y = wg.maxPool2d(x, 2);
    assert.deepEqual([...y.toArray()], [5, 8, 9, 4]);
    wg.sum(y).backward();
    assert.deepEqual([...x.grad.toArray()], [0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('maxPool2d without a graph keeps no indices alive', () => {
    const x = wg.rand([1, 2, 4, 4], { seed: 3 });
    const before = wg.memory().liveTensors;
    const y = wg.maxPool2d(x, 2);
    assert.equal(wg.memory().liveTensors, before + 1);
    y.dispose();
    x.dispose();
  });

  it('batchNorm eval equals (x - mean) / sqrt(var + eps) * w + b', () => {
    const x = wg.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const y = wg.batchNorm(x, wg.tensor([1, 2]), wg.tensor([4, 9]), { weight: wg.tensor([2, 1]), bias: wg.tensor([0, 1]), eps: 0 });
    const expected = [0, 1, 4 / 3, 5 / 3, 4, 5, 8 / 3, 3];
    y.toArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${i}: ${v} vs ${expected[i]}`));
  });

  it('batchNorm training updates the running statistics as torch (unbiased variance)', () => {
    const x = wg.tensor([1, 3, 5, 7], [4, 1]);
    const rm = wg.zeros([1]);
    const rv = wg.ones([1]);
    wg.batchNorm(x, rm, rv, { training: true, momentum: 0.5 });
    assert.ok(Math.abs(rm.item() - 2) < 1e-6);
    assert.ok(Math.abs(rv.item() - (0.5 + 0.5 * 20 / 3)) < 1e-5);
  });

  it('refuses bad input with clear errors', () => {
    const x = wg.zeros([1, 3, 4, 4]);
    assert.throws(() => wg.conv2d(x, wg.zeros([2, 2, 3, 3])), (e) => e instanceof wg.ShapeError && /in_channels\/groups = 3/.test(e.message));
    assert.throws(() => wg.conv2d(x, wg.zeros([4, 1, 3, 3]), null, { groups: 2 }), wg.ShapeError);
    assert.throws(() => wg.conv2d(x, wg.zeros([2, 3, 5, 5])), (e) => e instanceof wg.ShapeError && /output size/.test(e.message));
    assert.throws(() => wg.conv2d('x', wg.zeros([2, 3, 3, 3])), wg.ArgumentError);
    assert.throws(() => wg.maxPool2d(x, 2, { padding: -1 }), (e) => e instanceof wg.ArgumentError && /padding must be a whole number >= 0/.test(e.message));
    assert.throws(() => wg.adaptiveAvgPool2d(x, 3), (e) => e instanceof wg.ArgumentError && /divide/.test(e.message));
    assert.throws(() => wg.batchNorm(x, null, null), (e) => e instanceof wg.ArgumentError && /eval mode needs/.test(e.message));
    assert.throws(() => wg.batchNorm(x, wg.zeros([2]), wg.ones([2])), (e) => e instanceof wg.ShapeError && /\[3\]/.test(e.message));
    assert.throws(() => wg.batchNorm(wg.zeros([1, 3]), null, null, { training: true }), /more than 1 value/);
    assert.throws(() => wg.upsampleNearest(x, 0), wg.ArgumentError);
    assert.throws(() => wg.convTranspose2d(x, wg.zeros([3, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), /outputPadding/);
  });
});
