import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';
import { reversalBatch } from '../../dist/models/gpt.js';
import { echoEntropyRate, echoText } from '../../dist/models/data/grammar-text.js';

describe('zoo: gpt (quick budget)', () => {
  let result;
  before(async function () {
    result = await models.gpt.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('has echo lines whose entropy rate matches the empirical entropy of their text', () => {
    // Every line says its phrase twice, so the echo carries no information; in the phrase the
    // state is fixed by the words done and the characters since the last space, so the plug-in
    // estimate of H(next | state) over a long text converges to the exact rate.
    const lines = echoText(300000, 9).split('\n').slice(0, -1);
    for (const line of lines) assert.match(line, /^([a-z ]+), \1\.$/);
    const counts = new Map();
    for (const line of lines) {
      let words = 0;
      let prefix = '';
      for (const c of line.slice(0, line.indexOf(',') + 1)) {
        const key = `${words}|${prefix}|${c}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (c === ' ') [words, prefix] = [words + 1, ''];
        else prefix += c;
      }
    }
    const context = (key) => key.slice(0, key.lastIndexOf('|'));
    const totals = new Map();
    for (const [key, n] of counts) totals.set(context(key), (totals.get(context(key)) ?? 0) + n);
    let bits = 0;
    for (const [key, n] of counts) bits -= n * Math.log2(n / totals.get(context(key)));
    const chars = lines.reduce((a, line) => a + line.length + 1, 0);
    assert.ok(Math.abs(bits / chars - echoEntropyRate()) < 0.01, `${bits / chars} vs ${echoEntropyRate()}`);
  });

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
    const again = await models.gpt.train({ budget: 'quick', epochs: 1 });
    assert.equal(again.history.at(-1).loss, result.history[0].loss);
    again.model.dispose();
  });

  it('samples text of the asked length from the model', () => {
    const text = models.gpt.sample(result.model, { temperature: 0.8, length: 25, prompt: 'ba', seed: 3 });
    assert.equal(text.length, 25);
  });
});
