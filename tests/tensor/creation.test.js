import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const refusesKey = (fn, op, key) =>
  assert.throws(fn, (e) => e instanceof wg.ArgumentError && e.message.startsWith(`${op}: unknown option '${key}'`), `${op} ${key}`);

describe('creation options { dtype, requiresGrad }', () => {
  it('take a dtype in options as well as positionally', () => {
    assert.equal(wg.tensor([1, 2, 3], [3], { dtype: 'int32' }).dtype, 'int32');
    assert.equal(wg.tensor([1, 2, 3], [3], 'int32').dtype, 'int32');
    assert.equal(wg.tensor([[1, 2], [3, 4]], { dtype: 'int32' }).dtype, 'int32');
    assert.deepEqual(wg.tensor([[1, 2], [3, 4]], { dtype: 'int32' }).shape, [2, 2]);
    assert.equal(wg.tensor(new Int32Array([1]), [1], {}).dtype, 'int32', 'an Int32Array stays int32 without a dtype');
    for (const [name, make] of [['zeros', wg.zeros], ['ones', wg.ones], ['empty', wg.empty]]) {
      assert.equal(make([2], { dtype: 'int32' }).dtype, 'int32', name);
      assert.equal(make([2], 'int32').dtype, 'int32', name);
      assert.equal(make([2]).dtype, 'float32', name);
    }
    const f = wg.full([2, 2], 7, { dtype: 'int32' });
    assert.deepEqual([...f.toArray()], [7, 7, 7, 7]);
    assert.ok(f.toArray() instanceof Int32Array);
    assert.deepEqual([...wg.ones([3], { dtype: 'int32' }).toArray()], [1, 1, 1]);
  });

  it('make leaves that require grad, and backward fills their .grad', () => {
    const w = wg.ones([3], { requiresGrad: true });
    const x = wg.tensor([1, 2, 3], [3], { requiresGrad: true });
    const r = wg.randn([3], { seed: 1, requiresGrad: true });
    const u = wg.rand([3], { seed: 2, requiresGrad: true });
    const z = wg.zeros([3], { dtype: 'float32', requiresGrad: true });
    const full = wg.full([3], 2, { requiresGrad: true });
    for (const t of [w, x, r, u, z, full]) assert.equal(t.requiresGrad, true);
    assert.equal(wg.ones([3]).requiresGrad, false);
    assert.equal(wg.ones([3], { requiresGrad: false }).requiresGrad, false);
    w.mul(x).add(z).mul(full).sum().backward();
    assert.deepEqual([...w.grad.toArray()], [2, 4, 6]);
    assert.deepEqual([...x.grad.toArray()], [2, 2, 2]);
    assert.deepEqual([...z.grad.toArray()], [2, 2, 2]);
  });

  it('keep random draws as they were', () => {
    assert.deepEqual([...wg.randn([4], { seed: 3, requiresGrad: true }).toArray()], [...wg.randn([4], { seed: 3 }).toArray()]);
    assert.deepEqual([...wg.rand([4], { seed: 3, dtype: 'float32' }).toArray()], [...wg.rand([4], { seed: 3 }).toArray()]);
  });

  it('refuse unknown or misspelled keys, naming the function and the key', () => {
    refusesKey(() => wg.tensor([1], [1], { dtyp: 'int32' }), 'tensor', 'dtyp');
    refusesKey(() => wg.tensor([1], { requires_grad: true }), 'tensor', 'requires_grad');
    refusesKey(() => wg.zeros([1], { requiresgrad: true }), 'zeros', 'requiresgrad');
    refusesKey(() => wg.ones([1], { device: 'cpu' }), 'ones', 'device');
    refusesKey(() => wg.full([1], 1, { fill: 2 }), 'full', 'fill');
    refusesKey(() => wg.empty([1], { shape: [2] }), 'empty', 'shape');
    refusesKey(() => wg.rand([1], { seed: 1, hi: 2 }), 'rand', 'hi');
    refusesKey(() => wg.randn([1], { sd: 2 }), 'randn', 'sd');
  });

  it('refuse bad values with the error that names them', () => {
    assert.throws(() => wg.ones([2], { dtype: 'int64' }), (e) => e instanceof wg.DTypeError && /ones: unknown dtype int64/.test(e.message));
    assert.throws(() => wg.ones([2], { requiresGrad: 'yes' }), (e) => e instanceof wg.ArgumentError && /ones: requiresGrad must be a boolean, got 'yes'/.test(e.message));
    assert.throws(() => wg.zeros([2], { dtype: 'int32', requiresGrad: true }),
      (e) => e instanceof wg.DTypeError && /zeros: only float32 tensors can require grad, asked for int32/.test(e.message));
    assert.throws(() => wg.randn([2], { dtype: 'int32' }), (e) => e instanceof wg.DTypeError && /randn: draws float32 numbers only/.test(e.message));
    assert.throws(() => wg.zeros([2], 5), (e) => e instanceof wg.ArgumentError && /zeros: expected a dtype or options/.test(e.message));
    assert.throws(() => wg.rand([2], 'float32'), (e) => e instanceof wg.ArgumentError && /rand: expected an options object/.test(e.message));
    assert.throws(() => wg.tensor([1], { dtype: 'int32' }, 'int32'), (e) => e instanceof wg.ArgumentError && /options in both places/.test(e.message));
    assert.throws(() => wg.tensor([1, 2], new Int32Array([2])), (e) => e instanceof wg.ShapeError && /tensor: expected a shape array/.test(e.message));
    assert.throws(() => wg.tensor([1], 'int32'), (e) => e instanceof wg.ShapeError && /tensor: expected a shape array/.test(e.message));
  });
});
