import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';

describe('zoo: mlp (quick budget)', () => {
  let result;
  before(async function () {
    wg.manualSeed(1);
    result = await models.mlp.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: spirals >= 0.9 test accuracy, deep ReLU beats deep sigmoid', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testAccuracy >= 0.9);
    assert.ok(result.metrics.deepReluAccuracy > result.metrics.deepSigmoidAccuracy + 0.2);
  });

  it('gives the same final loss for the same seed', async () => {
    wg.manualSeed(1);
    const again = await models.mlp.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    again.model.dispose();
  });

  it('evaluates a rebuilt model from its state dict to the same accuracy', async () => {
    const rebuilt = models.mlp.build(7);
    rebuilt.loadStateDict(result.model.stateDict());
    rebuilt.eval();
    const { testAccuracy } = await models.mlp.evaluate(rebuilt);
    assert.equal(testAccuracy, (await models.mlp.evaluate(result.model)).testAccuracy);
    rebuilt.dispose();
  });
});
