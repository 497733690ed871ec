import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

describe('cast / to(dtype)', () => {
  it('truncates float32 toward zero into int32, as torch.Tensor.int()', () => {
    const x = wg.tensor([2.9, -2.9, 0.5, -0.5, 7, -2147483648, 2147483520]);
    const i = x.int();
    assert.equal(i.dtype, 'int32');
    assert.deepEqual([...i.toArray()], [2, -2, 0, 0, 7, -2147483648, 2147483520]);
    assert.deepEqual([...wg.cast(x, 'int32').toArray()], [...i.toArray()]);
    assert.deepEqual([...x.to('int32').toArray()], [...i.toArray()]);
  });

  it('converts int32 to float32, exactly up to 2^24 and to nearest beyond', () => {
    const i = wg.tensor(new Int32Array([-3, 0, 16777216, 16777217, 2147483647]), [5]);
    const f = i.float();
    assert.equal(f.dtype, 'float32');
    assert.deepEqual([...f.toArray()], [-3, 0, 16777216, 16777216, 2147483648]);
  });

  it('reads strided views in row-major order', () => {
    const x = wg.tensor([[1.5, 2.5, 3.5], [4.5, 5.5, 6.5]]).transpose();
    const i = x.int();
    assert.deepEqual(i.shape, [3, 2]);
    assert.deepEqual([...i.toArray()], [1, 4, 2, 5, 3, 6]);
    assert.deepEqual([...i.transpose().float().toArray()], [1, 2, 3, 4, 5, 6]);
  });

  it('returns the tensor itself when it has the dtype already, as torch.Tensor.to', () => {
    const x = wg.tensor([1, 2]).requiresGrad_();
    assert.equal(x.float(), x);
    assert.equal(x.to('float32'), x);
    const i = wg.tensor(new Int32Array([1]), [1]);
    assert.equal(i.int(), i);
  });

  it('carries no gradient through int32, as PyTorch', () => {
    const x = wg.tensor([1.5, 2.5]).requiresGrad_();
    const i = x.int();
    assert.equal(i.requiresGrad, false);
    assert.equal(i.gradFn, null);
    const back = i.float();
    assert.equal(back.requiresGrad, false);
    // Through the float identity the gradient still flows.
    x.float().mul(3).sum().backward();
    assert.deepEqual([...x.grad.toArray()], [3, 3]);
  });

  it('refuses values int32 cannot hold and unknown dtypes, naming them', () => {
    for (const bad of [NaN, Infinity, -Infinity, 2147483648, -2147483904]) {
      assert.throws(() => wg.tensor([0, bad]).int(),
        (e) => e instanceof wg.DTypeError && new RegExp(`cast: value ${bad} at index 1 of float32 \\[2\\] does not fit int32`).test(e.message), String(bad));
    }
    assert.throws(() => wg.tensor([1]).to('float64'), (e) => e instanceof wg.DTypeError && /cast: unknown dtype float64/.test(e.message));
    assert.throws(() => wg.cast(3, 'int32'), (e) => e instanceof wg.ArgumentError && /cast: expected Tensor inputs, got 3/.test(e.message));
    const gone = wg.tensor([1]);
    gone.dispose();
    assert.throws(() => gone.float(), (e) => e instanceof wg.DisposedError && /cast/.test(e.message));
  });
});
