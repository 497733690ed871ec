import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as wg from '../../dist/bindings/index.js';

// Expected texts are what PyTorch 2 prints for the same values (with our dtype and grad spellings).
describe('printing a tensor shows its values, as PyTorch does', () => {
  it('formats integral floats with a dot, others with 4 decimals, int32 plainly', () => {
    assert.equal(String(wg.tensor([[1, 2], [3, 4]])), 'tensor([[1., 2.],\n        [3., 4.]])');
    assert.equal(String(wg.tensor([[1.5, -2], [3, 40]])), 'tensor([[ 1.5000, -2.0000],\n        [ 3.0000, 40.0000]])');
    assert.equal(String(wg.tensor(new Int32Array([1, -20, 300]), [3])), 'tensor([  1, -20, 300], dtype=int32)');
    assert.equal(String(wg.tensor(3.25)), 'tensor(3.2500)');
    assert.equal(String(wg.tensor([1, NaN, -Infinity, 0])), 'tensor([1., nan, -inf, 0.])');
    assert.equal(String(wg.zeros([3])), 'tensor([0., 0., 0.])');
  });

  it('switches to scientific notation when magnitudes span more than 1000x or go below 1e-4', () => {
    assert.equal(String(wg.tensor([1e-5, 1, 100])), 'tensor([1.0000e-05, 1.0000e+00, 1.0000e+02])');
    assert.equal(String(wg.tensor([1, 2000])), 'tensor([1.0000e+00, 2.0000e+03])');
    assert.equal(String(wg.tensor([0.03125, -0.5, 2.5])), 'tensor([ 0.0312, -0.5000,  2.5000])', 'ties round to even, as Python');
  });

  it('separates the slices of higher dims with blank lines and shows requiresGrad and gradFn', () => {
    const x = wg.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], { requiresGrad: true });
    assert.equal(String(x), 'tensor([[[1., 2.],\n         [3., 4.]],\n\n        [[5., 6.],\n         [7., 8.]]], requiresGrad=true)');
    assert.equal(String(x.mul(2).sum()), 'tensor(72., gradFn=<sum>)');
  });

  it('wraps long rows at 80 columns', () => {
    const row = wg.tensor(Array.from({ length: 12 }, (_, i) => i + 0.5));
    assert.equal(String(row),
      'tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n' +
      '         8.5000,  9.5000, 10.5000, 11.5000])');
  });

  it('abbreviates past 1000 elements to the first and last 3 of each dim', () => {
    const big = wg.tensor(Array.from({ length: 1001 }, (_, i) => i), [1001]);
    assert.equal(String(big), 'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])');
    const grid = wg.tensor(Array.from({ length: 40 * 40 }, (_, i) => i % 7), [40, 40], { dtype: 'int32' });
    const lines = String(grid).split('\n');
    assert.equal(lines.length, 7);
    assert.equal(lines[0], 'tensor([[0, 1, 2,  ..., 2, 3, 4],');
    assert.equal(lines[3], '        ...,');
    assert.equal(lines[6], '        [6, 0, 1,  ..., 1, 2, 3]], dtype=int32)');
    const exactly1000 = String(wg.zeros([1000]));
    assert.ok(!exactly1000.includes('...'), '1000 elements are all shown');
  });

  it('prints views through their strides, empty tensors with their size, and disposed ones without reading memory', () => {
    assert.equal(String(wg.tensor([[1, 2, 3], [4, 5, 6]]).transpose()), 'tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])');
    assert.equal(String(wg.tensor([[1, 2, 3], [4, 5, 6]]).narrow(1, 1, 1)), 'tensor([[2.],\n        [5.]])');
    assert.equal(String(wg.zeros([0])), 'tensor([])');
    assert.equal(String(wg.zeros([2, 0])), 'tensor([], size=[2, 0])');
    const d = wg.ones([2, 3]);
    d.dispose();
    assert.equal(String(d), 'tensor(<disposed>, shape=[2, 3], dtype=float32)');
  });

  it('is what console.log shows in Node (util.inspect)', () => {
    const t = wg.tensor([[1, 2], [3, 4]]);
    assert.equal(inspect(t), String(t));
    assert.equal(inspect({ t }), `{\n  t: ${String(t).replace(/\n/g, '\n  ')}\n}`);
  });
});
