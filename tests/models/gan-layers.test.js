import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { MinibatchStd, Pack } from '../../dist/models/gan-layers.js';

describe('zoo: GAN discriminator layers', () => {
  it('Pack puts `pack` consecutive samples side by side', () => {
    wg.scope(() => {
      const x = wg.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2]);
      const y = new Pack(3).forward(x);
      assert.deepEqual(y.shape, [2, 6]);
      assert.deepEqual([...y.toArray()], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });
  });

  it('Pack names the shape it needs when the batch does not divide', () => {
    wg.scope(() => {
      assert.throws(() => new Pack(2).forward(wg.zeros([5, 2])), (e) => e instanceof wg.ShapeError && /Pack: .*multiple of 2.*\(5, 2\)/.test(e.message));
      assert.throws(() => new Pack(0), wg.ArgumentError);
    });
  });

  it('MinibatchStd appends the mean over features of the batch standard deviation', () => {
    wg.scope(() => {
      // Column stds (population): [1, 0, 2] -> mean 1.
      const x = wg.tensor([0, 5, -2, 2, 5, 2], [2, 3]);
      const y = new MinibatchStd().forward(x);
      assert.deepEqual(y.shape, [2, 4]);
      const v = y.toArray();
      assert.deepEqual([...v.subarray(0, 3)], [0, 5, -2]);
      assert.ok(Math.abs(v[3] - 1) < 1e-4 && v[7] === v[3], `${v}`);
    });
  });

  it('MinibatchStd passes gradients to every sample and stays finite on identical rows', () => {
    wg.scope(() => {
      const x = wg.tensor([1, 2, 1, 2, 1, 2], [3, 2]).requiresGrad_();
      wg.sum(new MinibatchStd().forward(x)).backward();
      assert.ok([...x.grad.toArray()].every(Number.isFinite));
      const r = wg.gradcheck((t) => new MinibatchStd().forward(t), [wg.tensor([0.3, -1, 2, 0.5, 1.5, -0.7], [3, 2]).requiresGrad_()], { verbose: false });
      assert.ok(r.ok, JSON.stringify(r.inputs));
    });
  });
});
