import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';
import { fgsm } from '../../dist/models/adversarial.js';
import { convNet } from '../../dist/models/convnet.js';

describe('zoo: adversarial (quick budget)', () => {
  let result;
  before(async function () {
    this.timeout(600_000);
    result = await models.adversarial.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: FGSM cuts accuracy by over a third, adversarial fine-tuning wins back >= 0.1', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    const m = result.metrics;
    assert.ok(m.attackedAccuracy <= 0.65 * m.cleanAccuracy);
    assert.ok(m.robustAttackedAccuracy >= m.attackedAccuracy + 0.1);
  });

  it('gives the same final loss for the same seed', async function () {
    this.timeout(600_000);
    const again = await models.adversarial.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    assert.deepEqual(again.metrics, result.metrics);
    again.model.dispose();
  });

  it('writes clean, adversarial and perturbation rows into the report', () => {
    const [image] = result.images;
    assert.equal(image.height, 3 * 29 + 1);
    assert.equal(image.width, 10 * 29 + 1);
  });
});

describe('fgsm', () => {
  it('moves every pixel by eps along the sign of the input gradient, within [0, 1], and leaves no parameter gradients', () => {
    const model = convNet(3);
    model.eval();
    const x = wg.rand([4, 1, 28, 28], { seed: 9 });
    const y = wg.tensor(new Int32Array([0, 1, 2, 3]), [4]);
    const input = x.detach().requiresGrad_();
    wg.crossEntropy(model.forward(input), y).backward();
    const g = input.grad.toArray();
    model.zeroGrad();
    const adversarial = fgsm(model, x, y, 0.1).toArray();
    const clean = x.toArray();
    for (let i = 0; i < clean.length; i++) {
      const expected = Math.min(1, Math.max(0, clean[i] + 0.1 * Math.sign(g[i])));
      assert.ok(Math.abs(adversarial[i] - expected) < 1e-6, `pixel ${i}: ${adversarial[i]} vs ${expected}`);
    }
    assert.ok(model.parameters().every((p) => p.grad === null));
    assert.equal(x.grad, null);
    const before = wg.crossEntropy(model.forward(x), y).item();
    const after = wg.crossEntropy(model.forward(wg.tensor(adversarial, x.shape)), y).item();
    assert.ok(after > before, `loss ${before} -> ${after}`);
    model.dispose();
  });
});
