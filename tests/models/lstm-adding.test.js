import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';
import { addingBatch } from '../../dist/models/lstm-adding.js';

describe('zoo: lstm-adding (quick budget)', () => {
  let result;
  before(async function () {
    result = await models['lstm-adding'].train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('builds sequences whose target is the sum of the two marked values, one mark in each half', () => {
    const T = 10;
    const B = 5;
    const { x, y } = addingBatch(T, B, new wg.SeededRandom(3));
    for (let b = 0; b < B; b++) {
      const marked = [];
      for (let t = 0; t < T; t++) if (x[(t * B + b) * 2 + 1] === 1) marked.push(t);
      assert.equal(marked.length, 2);
      assert.ok(marked[0] < T / 2 && marked[1] >= T / 2);
      assert.ok(Math.abs(y[b] - (x[marked[0] * B * 2 + b * 2] + x[marked[1] * B * 2 + b * 2])) < 1e-6);
    }
  });

  it('meets the scaled-down criterion: at T=20 after 600 steps the LSTM gets test MSE < 0.05, the tanh RNN stays > 0.1', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testMse < 0.05);
    assert.ok(result.metrics.rnnTestMse > 0.1);
  });

  it('gives the same loss for the same seed', async () => {
    const again = await models['lstm-adding'].train({ budget: 'quick', epochs: 1 });
    assert.equal(again.history.at(-1).loss, result.history[0].loss);
    again.model.dispose();
  });

  it('evaluates a rebuilt model from its state dict to the same MSE', async () => {
    const rebuilt = models['lstm-adding'].build(7);
    rebuilt.loadStateDict(result.model.stateDict());
    const model = models['lstm-adding'];
    assert.equal((await model.evaluate(rebuilt)).testMse, (await model.evaluate(result.model)).testMse);
    rebuilt.dispose();
  });
});
