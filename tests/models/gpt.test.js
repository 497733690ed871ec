import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { reversalBatch } from '../../dist/models/gpt.js';

describe('zoo: gpt (quick budget)', () => {
  let result;
  before(async function () {
    result = await wg.models.gpt.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('builds reversal sequences scored on the reversed half only', () => {
    const n = 5;
    const { x, y } = reversalBatch(n, 3, new wg.SeededRandom(2));
    for (let b = 0; b < 3; b++) {
      const row = Array.from(x.subarray(b * 2 * n, (b + 1) * 2 * n));
      const targets = Array.from(y.subarray(b * 2 * n, (b + 1) * 2 * n));
      assert.equal(row[n], 10);
      assert.deepEqual(targets.slice(0, n), Array(n).fill(-100));
      assert.deepEqual(targets.slice(n), row.slice(0, n).reverse());
    }
  });

  it('meets the scaled-down criterion: text below 2.5 bits/char, >= 80% of length-4 sequences reversed', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testBitsPerChar < 2.5);
    assert.ok(result.metrics.reversalExact >= 0.8);
  });

  it('gives the same loss for the same seed', async () => {
    const again = await wg.models.gpt.train({ budget: 'quick', epochs: 1 });
    assert.equal(again.history.at(-1).loss, result.history[0].loss);
    again.model.dispose();
  });

  it('samples text of the asked length from the model', () => {
    const text = wg.models.gpt.sample(result.model, { temperature: 0.8, length: 25, prompt: 'ba', seed: 3 });
    assert.equal(text.length, 25);
  });
});
