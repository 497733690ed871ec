import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

describe('anomaly mode (wg.detectAnomaly)', () => {
  afterEach(() => wg.detectAnomaly(false));

  it('is off by default: a NaN passes through silently', () => {
    assert.equal(wg.isAnomalyEnabled(), false);
    wg.scope(() => assert.ok(Number.isNaN(wg.log(wg.tensor([1, -1])).toArray()[1])));
  });

  it('names the first op whose output holds NaN, with its input shapes', () => {
    wg.detectAnomaly(true);
    const before = wg.memory().liveTensors;
    wg.scope(() => {
      const x = wg.tensor([[1, 2, -3], [4, 5, 6]]);
      const y = wg.mul(x, 2); // finite: no complaint
      assert.throws(() => wg.sqrt(y), (e) => e instanceof wg.RuntimeError &&
        /^anomaly: sqrt produced NaN at index 2 of its output \[2, 3\]; inputs: \[2, 3\] float32$/.test(e.message));
    });
    assert.equal(wg.memory().liveTensors, before);
  });

  it('blames the op that made the Inf, and marks inputs that were already non-finite', () => {
    wg.detectAnomaly(true);
    wg.scope(() => {
      const x = wg.tensor([1, 100]);
      assert.throws(() => wg.exp(x), /^RuntimeError: anomaly: exp produced Infinity at index 1 of its output \[2\]; inputs: \[2\] float32$/);
      wg.detectAnomaly(false);
      const inf = wg.exp(x);
      wg.detectAnomaly(true);
      assert.throws(() => wg.add(inf, wg.tensor([1, 1])), /^RuntimeError: anomaly: add produced Infinity .*inputs: \[2\] float32 \(already non-finite\), \[2\] float32$/);
    });
  });

  it('checks the gradients each op hands back in backward', () => {
    wg.detectAnomaly(true);
    const x = wg.tensor([0, 4]).requiresGrad_();
    wg.scope(() => {
      const y = wg.sum(wg.sqrt(x)); // sqrt(0) = 0 is fine forward; its gradient 1/(2 sqrt 0) is not
      assert.throws(() => y.backward(), (e) => e instanceof wg.RuntimeError &&
        /^anomaly: backward of sqrt produced Infinity at index 0 of its output \[2\]; inputs: \[2\] float32$/.test(e.message));
    });
    x.grad?.dispose();
    x.dispose();
  });

  it('raises no false alarm over a training step, and gives the same loss as without it', () => {
    const run = (anomaly) => {
      wg.detectAnomaly(anomaly);
      const model = new wg.nn.Sequential(new wg.nn.Linear(8, 16, { seed: 1 }), new wg.nn.ReLU(), new wg.nn.Linear(16, 4, { seed: 2 }));
      const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
      const losses = [];
      wg.scope(() => {
        const x = wg.randn([32, 8], { seed: 3 });
        const y = wg.tensor(new Int32Array(32).map((_, i) => i % 4), [32]);
        for (let step = 0; step < 5; step++) {
          losses.push(wg.scope(() => {
            opt.zeroGrad();
            const l = wg.crossEntropy(model.forward(x), y);
            l.backward();
            opt.step();
            return l.item();
          }));
        }
      });
      opt.zeroGrad();
      opt.dispose();
      for (const p of model.parameters()) p.dispose();
      return losses;
    };
    assert.deepEqual(run(true), run(false));
  });
});
