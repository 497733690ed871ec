// Every differentiable op against finite differences (wg.gradcheck), broadcasting included.
import * as wg from '../../dist/bindings/index.js';
import { check } from './gradcheck-case.js';

// Values with |x| in [lo, hi], signs mixed unless `positive`: away from kinks (relu, abs, max ties).
function input(shape, seed, { lo = 0.2, hi = 1.2, positive = false } = {}) {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = seed * 7919 + 17;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const values = Float32Array.from({ length: n }, () => {
    const m = lo + (hi - lo) * rnd();
    return positive || rnd() < 0.5 ? m : -m;
  });
  return wg.tensor(values, shape).requiresGrad_();
}

describe('gradcheck: arithmetic with broadcasting', () => {
  for (const [a, b] of [[[3, 4], [3, 4]], [[3, 4], [4]], [[2, 1, 3], [3, 1]], [[4], [2, 3, 4]], [[2, 3], []]]) {
    const tag = `${JSON.stringify(a)} with ${JSON.stringify(b)}`;
    check(`add ${tag}`, wg.add, () => [input(a, 1), input(b, 2)]);
    check(`sub ${tag}`, wg.sub, () => [input(a, 3), input(b, 4)]);
    check(`mul ${tag}`, wg.mul, () => [input(a, 5), input(b, 6)]);
    check(`div ${tag}`, wg.div, () => [input(a, 7), input(b, 8, { lo: 0.5 })]);
  }
  check('pow tensor ** tensor', wg.pow, () => [input([3, 4], 9, { positive: true, lo: 0.5 }), input([4], 10)]);
  check('pow tensor ** number', (x) => wg.pow(x, 2.5), () => [input([5], 11, { positive: true })]);
  check('maximum', wg.maximum, () => [input([3, 4], 12), input([4], 13)]);
  check('minimum', wg.minimum, () => [input([3, 1], 14), input([3, 4], 15)]);
  check('scalar forms: 2 - x * 3 + 1 / x', (x) => wg.add(wg.sub(2, wg.mul(x, 3)), wg.div(1, x)), () => [input([6], 16, { lo: 0.5 })]);
});

describe('gradcheck: unary functions', () => {
  const plain = ['neg', 'abs', 'exp', 'relu', 'sigmoid', 'tanh', 'sin', 'cos', 'square'];
  for (const name of plain) check(name, wg[name], () => [input([4, 5], 20)]);
  for (const name of ['log', 'sqrt', 'rsqrt', 'reciprocal']) check(name, wg[name], () => [input([4, 5], 21, { positive: true, lo: 0.5 })]);
  check('leakyRelu', (x) => wg.leakyRelu(x, 0.2), () => [input([4, 5], 22)]);
  check('gelu (erf)', (x) => wg.gelu(x), () => [input([4, 5], 23)]);
  check('gelu (tanh)', (x) => wg.gelu(x, 'tanh'), () => [input([4, 5], 24)]);
  check('elu', (x) => wg.elu(x, 0.7), () => [input([4, 5], 25)]);
  check('clamp', (x) => wg.clamp(x, -0.5, 0.6), () => [input([4, 5], 26, { lo: 0.1, hi: 1 })], { eps: 1e-3 });
  check('affine', (x) => wg.affine(x, -1.5, 0.25), () => [input([7], 27)]);
  check('log1p', (x) => wg.log1p(x), () => [input([4, 5], 28, { lo: 0.001, hi: 0.8 })]);
  check('softplus', (x) => wg.softplus(x), () => [input([4, 5], 29, { lo: 0.2, hi: 4 })]);
  check('softplus, beta 2, threshold 3 (both sides of it)', (x) => wg.softplus(x, 2, 3), () => [input([4, 5], 130, { lo: 0.2, hi: 3 })]);
  check('silu', (x) => wg.silu(x), () => [input([4, 5], 131, { hi: 3 })]);
  check('mish', (x) => wg.mish(x), () => [input([4, 5], 132, { hi: 3 })]);
  check('hardswish (away from the kinks at -3 and 3)', (x) => wg.hardswish(x), () => [input([4, 5], 133, { lo: 0.1, hi: 2.8 })]);
  check('selu', (x) => wg.selu(x), () => [input([4, 5], 134)]);
  check('prelu, one slope', (x, w) => wg.prelu(x, w), () => [input([3, 4], 135), input([1], 136)]);
  check('prelu, a slope per channel of (N, C, H, W)', (x, w) => wg.prelu(x, w), () => [input([2, 3, 2, 2], 137), input([3], 138)]);
});

describe('gradcheck: reductions and softmax', () => {
  for (const dims of [undefined, 0, 1, [0, 2], -1]) {
    for (const keepdim of [false, true]) {
      const tag = `dims ${JSON.stringify(dims)} keepdim ${keepdim}`;
      check(`sum ${tag}`, (x) => wg.sum(x, dims, keepdim), () => [input([2, 3, 4], 30)]);
      check(`mean ${tag}`, (x) => wg.mean(x, dims, keepdim), () => [input([2, 3, 4], 31)]);
    }
  }
  check('max over dim 1', (x) => wg.max(x, 1), () => [input([3, 4], 32)]);
  check('min over all', (x) => wg.min(x), () => [input([3, 4], 33)]);
  for (const dim of [0, 1, -1]) {
    check(`softmax dim ${dim}`, (x) => wg.softmax(x, dim), () => [input([3, 4, 5], 34)]);
    check(`logSoftmax dim ${dim}`, (x) => wg.logSoftmax(x, dim), () => [input([3, 4, 5], 35)]);
  }
});

describe('gradcheck: matrix products', () => {
  check('matmul 2-D', wg.matmul, () => [input([3, 5], 40), input([5, 4], 41)]);
  check('matmul batched with broadcast', wg.matmul, () => [input([2, 3, 5], 42), input([5, 4], 43)]);
  check('matmul batch broadcast both', wg.matmul, () => [input([2, 1, 3, 5], 44), input([3, 5, 2], 45)]);
  check('matmul vector @ matrix', wg.matmul, () => [input([5], 46), input([5, 4], 47)]);
  check('matmul matrix @ vector', wg.matmul, () => [input([3, 5], 48), input([5], 49)]);
  check('linear with bias', (x, w, b) => wg.nn.functional.linear(x, w, b), () => [input([4, 5], 50), input([3, 5], 51), input([3], 52)]);
  check('linear 3-D input, no bias', (x, w) => wg.nn.functional.linear(x, w), () => [input([2, 4, 5], 53), input([3, 5], 54)]);
});

describe('gradcheck: views, joins and indexing', () => {
  check('reshape with -1', (x) => wg.reshape(x, [4, -1]), () => [input([2, 3, 4], 60)]);
  check('permute', (x) => wg.permute(x, [2, 0, 1]), () => [input([2, 3, 4], 61)]);
  check('transpose then matmul', (x, y) => wg.matmul(wg.transpose(x), y), () => [input([5, 3], 62), input([5, 2], 63)]);
  check('t then matmul', (x, y) => wg.matmul(x.t(), y), () => [input([5, 3], 145), input([5, 2], 146)]);
  check('narrow', (x) => wg.narrow(x, 1, 1, 2), () => [input([2, 4, 3], 64)]);
  check('expand', (x) => wg.mul(wg.expand(x, [2, 3, 4]), wg.expand(x, [2, 3, 4])), () => [input([3, 1], 65)]);
  check('flatten, squeeze, unsqueeze', (x) => wg.unsqueeze(wg.squeeze(wg.flatten(x, 1)), 0), () => [input([3, 1, 2], 66)]);
  check('contiguous of a permuted view', (x) => wg.contiguous(wg.permute(x, [1, 0])), () => [input([3, 4], 67)]);
  check('cat along dim 1', (a, b) => wg.cat([a, b, a], 1), () => [input([2, 3], 68), input([2, 1], 69)]);
  check('stack along dim 2', (a, b) => wg.stack([a, b], 2), () => [input([2, 3], 70), input([2, 3], 71)]);
  check('split, recombined', (x) => { const [p, q] = wg.split(x, [1, 3], 1); return wg.mul(p, q); }, () => [input([2, 4], 72)]);
  check('where', (a, b) => wg.where(wg.gt(a, b), a, b), () => [input([3, 4], 73), input([4], 74)]);
  check('indexSelect dim 0', (x) => wg.indexSelect(x, 0, wg.tensor(new Int32Array([2, 0, 2]), [3])), () => [input([4, 3], 75)]);
  check('indexSelect dim 1', (x) => wg.indexSelect(x, 1, wg.tensor(new Int32Array([1, 1, 0]), [3])), () => [input([2, 3], 76)]);
  check('gather dim 1', (x) => wg.gather(x, 1, wg.tensor(new Int32Array([0, 2, 2, 1, 0, 0]), [2, 3])), () => [input([2, 4], 77)]);
});

describe('gradcheck: losses and normalisation', () => {
  const labels = (values) => wg.tensor(new Int32Array(values), [values.length]);
  check('crossEntropy', (x) => wg.crossEntropy(x, labels([0, 3, 1, 2])), () => [input([4, 5], 80)]);
  check('crossEntropy with ignoreIndex and label smoothing', (x) =>
    wg.crossEntropy(x, labels([0, -100, 1, 4]), { labelSmoothing: 0.1 }), () => [input([4, 5], 81)]);
  check('crossEntropy with class weights over (N, C, d)', (x) =>
    wg.crossEntropy(x, wg.tensor(new Int32Array([0, 2, 1, 1, 2, 0]), [2, 3]), { weight: wg.tensor([0.5, 1, 2], [3]) }),
    () => [input([2, 3, 3], 82)]);
  check('nllLoss, sum', (x) => wg.nllLoss(wg.logSoftmax(x, 1), labels([1, 0, 2]), { reduction: 'sum' }), () => [input([3, 3], 83)]);
  check('mseLoss', wg.mseLoss, () => [input([3, 4], 84), input([3, 4], 85)]);
  check('l1Loss', wg.l1Loss, () => [input([3, 4], 86), input([3, 4], 87, { lo: 1.5, hi: 2 })]);
  check('bceWithLogits', wg.bceWithLogits, () => [input([3, 4], 88), input([3, 4], 89, { positive: true, lo: 0, hi: 1 })]);
  check('layerNorm with weight and bias', (x, w, b) => wg.layerNorm(x, [4], w, b), () => [input([3, 4], 90), input([4], 91), input([4], 92)]);
  const bn = (() => {
    let layer;
    return (x) => (layer ??= new wg.nn.BatchNorm1d(3)).forward(x);
  })();
  check('BatchNorm1d in training mode', bn, () => [input([5, 3], 93)]);
});

describe('gradcheck: pad and embedding', () => {
  check('pad constant, value 0.5, negative (cropping) and positive amounts', (x) => wg.pad(x, [1, -1, 2, 0], { value: 0.5 }),
    () => [input([2, 3, 4], 140)]);
  check('pad reflect, 2 dims', (x) => wg.pad(x, [2, 1, 1, 2], { mode: 'reflect' }), () => [input([1, 2, 3, 4], 141)]);
  check('pad replicate, 3 dims', (x) => wg.pad(x, [1, 2, 0, 1, 2, 0], { mode: 'replicate' }), () => [input([1, 2, 2, 3], 142)]);
  check('pad circular', (x) => wg.pad(x, [3, 1], { mode: 'circular' }), () => [input([2, 3], 143)]);
  check('embedding (repeated ids add up)', (w) => wg.nn.functional.embedding(wg.tensor([1, 0, 1, 3, 1, 2], [2, 3], 'int32'), w),
    () => [input([4, 3], 144)]);
});
