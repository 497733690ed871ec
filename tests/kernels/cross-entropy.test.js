import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { crossEntropyRows, crossEntropyRowsBackward } from '../../dist/bindings/kernels/cross-entropy.js';
import { SIZES, assertClose, assertThreadInvariant, maxError, uniform } from './compare.js';

const TOL = { abs: 2e-6, rel: 2e-6 };

const targetsFor = (m, c, seed, ignoreIndex) => {
  const t = new Int32Array(m);
  for (let i = 0; i < m; i++) t[i] = (i * 7 + seed) % 5 === 4 && ignoreIndex !== undefined ? ignoreIndex : (i * 31 + seed * 11) % c;
  return wg.tensor(t, [m]);
};

const OPTION_SETS = (c) => [
  { label: 'plain', rows: { classWeight: null, ignoreIndex: -100, labelSmoothing: 0, scale: 1 } },
  { label: 'mean scale, ignored rows', rows: { classWeight: null, ignoreIndex: -1, labelSmoothing: 0, scale: 1 / 3 }, ignore: -1 },
  { label: 'class weights and smoothing', rows: { classWeight: uniform([c], 9, 0.2, 2), ignoreIndex: -100, labelSmoothing: 0.1, scale: 0.5 } },
  { label: 'all of them', rows: { classWeight: uniform([c], 10, 0.2, 2), ignoreIndex: 0, labelSmoothing: 0.3, scale: 2 }, ignore: 0 },
];

describe('kernels: cross-entropy from logits', () => {
  afterEach(async () => wg.setNumThreads(2));

  it('sweeps class counts 1..257, odd row counts and every option against the scalar reference', () => {
    const worst = { loss: 0, dx: 0 };
    for (const c of SIZES) {
      for (const m of [1, 5, 17]) {
        for (const { label, rows, ignore } of OPTION_SETS(c)) {
          const x = uniform([m, c], c * 13 + m, -8, 8);
          const target = targetsFor(m, c, c + m, ignore);
          const dloss = uniform([m], m + 3, -2, 2);
          const at = `C=${c} M=${m} ${label}`;
          const loss = crossEntropyRows(x, target, rows).toArray();
          const lossRef = crossEntropyRows(x, target, rows, 'reference').toArray();
          assertClose(loss, lossRef, TOL, `loss ${at}`);
          const dx = crossEntropyRowsBackward(x, target, dloss, rows).toArray();
          const dxRef = crossEntropyRowsBackward(x, target, dloss, rows, 'reference').toArray();
          assertClose(dx, dxRef, TOL, `dx ${at}`);
          worst.loss = Math.max(worst.loss, maxError(loss, lossRef).abs);
          worst.dx = Math.max(worst.dx, maxError(dx, dxRef).abs);
        }
      }
    }
    console.log(`      max abs difference from the f64 reference: loss ${worst.loss.toExponential(2)}, dx ${worst.dx.toExponential(2)}`);
  });

  it('matches log-softmax picked by hand in f64, and its gradient is softmax minus one-hot', () => {
    const x = uniform([6, 11], 2, -5, 5);
    const target = targetsFor(6, 11, 3);
    const rows = { classWeight: null, ignoreIndex: -100, labelSmoothing: 0, scale: 1 };
    const loss = crossEntropyRows(x, target, rows).toArray();
    const dx = crossEntropyRowsBackward(x, target, wg.ones([6]), rows).toArray();
    const xs = x.toArray();
    const ts = target.toArray();
    for (let i = 0; i < 6; i++) {
      const row = Array.from(xs.subarray(i * 11, i * 11 + 11));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      assert.ok(Math.abs(loss[i] - (lse - row[ts[i]])) < 1e-5, `row ${i}: loss ${loss[i]}, expected ${lse - row[ts[i]]}`);
      for (let j = 0; j < 11; j++) {
        const want = Math.exp(row[j] - lse) - (j === ts[i] ? 1 : 0);
        assert.ok(Math.abs(dx[i * 11 + j] - want) < 1e-6, `row ${i} class ${j}: dx ${dx[i * 11 + j]}, expected ${want}`);
      }
    }
  });

  it('logits of 1e4 stay finite; a row of all -Infinity has loss +Infinity and gradient 0', () => {
    const rows = { classWeight: null, ignoreIndex: -100, labelSmoothing: 0, scale: 1 };
    const x = wg.tensor([[1e4, -1e4, 0, 9999], [-Infinity, -Infinity, -Infinity, -Infinity]]);
    const target = wg.tensor(new Int32Array([1, 2]), [2]);
    for (const kernel of ['simd', 'reference']) {
      const loss = crossEntropyRows(x, target, rows, kernel).toArray();
      assert.ok(Math.abs(loss[0] - (2e4 + Math.log(1 + Math.exp(-1)))) < 2, `${kernel}: loss ${loss[0]}`);
      assert.equal(loss[1], Infinity, kernel);
      const dx = Array.from(crossEntropyRowsBackward(x, target, wg.ones([2]), rows, kernel).toArray());
      assert.ok(dx.every(Number.isFinite), `${kernel}: dx ${dx}`);
      assert.deepEqual(dx.slice(4), [0, 0, 0, 0], kernel);
    }
  });

  it('wg.crossEntropy agrees with nllLoss(logSoftmax(x)), loss and gradient, with every option and reduction', () => {
    const cases = [
      { shape: [7, 5], target: [7], opts: {} },
      { shape: [6, 4], target: [6], opts: { labelSmoothing: 0.2, ignoreIndex: 1, reduction: 'sum' } },
      { shape: [2, 3, 4], target: [2, 4], opts: { weight: wg.tensor([0.5, 1, 2]), reduction: 'none' } },
      { shape: [3, 6, 2, 2], target: [3, 2, 2], opts: { weight: uniform([6], 4, 0.1, 1), labelSmoothing: 0.1, ignoreIndex: 0 } },
    ];
    for (const [n, c] of cases.entries()) {
      const classes = c.shape[1];
      const count = c.target.reduce((a, b) => a * b);
      const target = wg.tensor(Int32Array.from({ length: count }, (_, i) => (i * 5 + n) % classes), c.target);
      const x = uniform(c.shape, 20 + n, -3, 3);
      const run = (f) => wg.scope(() => {
        const leaf = x.detach().requiresGrad_();
        const loss = f(leaf);
        const upstream = uniform(loss.shape, 30 + n);
        wg.sum(wg.mul(loss, upstream)).backward();
        return [loss.detach().toArray(), leaf.grad.toArray()];
      });
      const [loss, grad] = run((leaf) => wg.crossEntropy(leaf, target, c.opts));
      const [lossRef, gradRef] = run((leaf) => wg.nllLoss(wg.logSoftmax(leaf, 1), target, c.opts));
      const e = { loss: maxError(loss, lossRef).abs, grad: maxError(grad, gradRef).abs };
      console.log(`      case ${n} ${JSON.stringify(c.shape)}: max difference loss ${e.loss.toExponential(2)}, gradient ${e.grad.toExponential(2)}`);
      assertClose(loss, lossRef, { abs: 1e-5, rel: 1e-5 }, `loss, case ${n}`);
      assertClose(grad, gradRef, { abs: 1e-6, rel: 1e-5 }, `gradient, case ${n}`);
    }
  });

  it('gives the same bits on 1, 2 and 3 threads', async () => {
    const x = uniform([4096, 10], 5, -4, 4);
    const target = targetsFor(4096, 10, 1);
    const rows = { classWeight: null, ignoreIndex: -100, labelSmoothing: 0.1, scale: 1 / 4096 };
    await assertThreadInvariant(() => crossEntropyRows(x, target, rows));
    await assertThreadInvariant(() => crossEntropyRowsBackward(x, target, uniform([4096], 6), rows));
  });

  it('names the op, the shapes and the dtypes on bad operands', () => {
    const rows = { classWeight: null, ignoreIndex: -100, labelSmoothing: 0, scale: 1 };
    const t = wg.tensor(new Int32Array([0, 1]), [2]);
    assert.throws(() => crossEntropyRows(wg.zeros([2, 3, 1]), t, rows), /crossEntropy: x must be \(rows, classes\), got \[2, 3, 1\]/);
    assert.throws(() => crossEntropyRows(wg.zeros([2, 3]), wg.zeros([2]), rows), /crossEntropy: target must be int32, got float32 \[2\]/);
    assert.throws(() => crossEntropyRows(wg.zeros([3, 3]), t, rows), /crossEntropy: target \[2\] does not match x \[3, 3\]; expected \[3\]/);
    assert.throws(() => crossEntropyRows(wg.zeros([2, 3]), t, { ...rows, classWeight: wg.ones([4]) }), /classWeight \[4\] does not match x \[2, 3\]; expected \[3\]/);
    assert.throws(() => crossEntropyRowsBackward(wg.zeros([2, 3]), t, wg.ones([3]), rows), /crossEntropy backward: dloss \[3\] does not match target \[2\]/);
  });
});
