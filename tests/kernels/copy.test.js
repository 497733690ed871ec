import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { Tensor } from '../../dist/bindings/tensor.js';
import { contiguous } from '../../dist/bindings/kernels/copy.js';
import { SIZES, assertThreadInvariant, uniform } from './compare.js';

/** A view of `base` with its own shape, strides and offset, sharing the storage. */
function view(base, shape, strides, offset = 0) {
  base.storage.retain();
  return new Tensor(base.storage, shape, base.dtype, strides, offset);
}

describe('kernels: contiguous (strided copy)', () => {
  afterEach(async () => wg.setNumThreads(2));

  it('gathers transposes, permutations, stepped slices, negative strides and broadcasts', () => {
    const base = uniform([4, 5, 6], 1);
    const views = [
      view(base, [6, 5, 4], [1, 6, 30]),
      view(base, [5, 4, 6], [6, 30, 1]),
      view(base, [2, 3, 3], [60, 12, 2], 7),
      view(base, [4, 6], [30, -1], 5),
      view(base, [3, 4, 6], [0, 30, 1]),
      view(base, [120], [1]),
      view(base, [0, 3], [1, 1]),
    ];
    for (const v of views) {
      const c = contiguous(v);
      assert.deepEqual(c.shape, v.shape);
      assert.ok(c.isContiguous());
      assert.deepEqual(c.toArray(), v.toArray(), `view ${v.shape} strides ${v.strides}`);
    }
  });

  it('copies int32 as bits, and every length 1..257 of a stepped row', () => {
    const ints = wg.tensor(Int32Array.from({ length: 24 }, (_, i) => i * 7919 - 50000), [4, 6]);
    assert.deepEqual(contiguous(view(ints, [6, 4], [1, 6])).toArray(), view(ints, [6, 4], [1, 6]).toArray());
    for (const n of SIZES) {
      const base = uniform([3, 2 * n], n);
      const v = view(base, [3, n], [2 * n, 2], 1);
      assert.deepEqual(contiguous(v).toArray(), v.toArray(), `n=${n}`);
    }
  });

  it('gives the same bits on 1, 2 and 3 threads', async () => {
    const base = uniform([301, 517], 3);
    await assertThreadInvariant(() => contiguous(view(base, [517, 301], [1, 517])), 'transpose');
  });

  it('refuses what is not a tensor and disposed tensors', () => {
    assert.throws(() => contiguous([1, 2]), wg.ArgumentError);
    const t = uniform([2], 1);
    t.dispose();
    assert.throws(() => contiguous(t), wg.DisposedError);
  });
});
