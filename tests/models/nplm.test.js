import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { models } from '../../dist/models/index.js';
import { neighbourPurity } from '../../dist/models/nplm.js';
import { templateSentences, WORDS, WORD_CLASSES } from '../../dist/models/data/template-sentences.js';

describe('zoo: nplm (quick budget)', () => {
  let result;
  before(async function () {
    result = await models.nplm.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('generates sentences from the vocabulary, seeded', () => {
    const a = templateSentences(50, 4);
    assert.deepEqual(a, templateSentences(50, 4));
    assert.notDeepEqual(a, templateSentences(50, 5));
    for (const s of a) for (const w of s) assert.ok(WORDS.includes(w), w);
  });

  it('scores purity 1 for embeddings that are their class, and low for random ones', () => {
    const dim = 16;
    const byClass = new Float32Array(WORDS.length * dim);
    const classes = Object.values(WORD_CLASSES);
    classes.forEach((words, k) => words.forEach((w) => {
      const i = WORDS.indexOf(w);
      byClass[i * dim + k] = 1;
      byClass[i * dim + 12] = 0.01 * i;
    }));
    assert.equal(neighbourPurity(byClass, dim), 1);
    const random = wg.randn([WORDS.length, dim], { seed: 3 });
    assert.ok(neighbourPurity(random.toArray(), dim) < 0.5);
    random.dispose();
  });

  it('meets the scaled-down criterion: perplexity >= 5% below add-one trigram, purity >= 0.6', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testPerplexity < 0.95 * result.metrics.trigramPerplexity);
    assert.ok(result.metrics.neighbourPurity >= 0.6);
  });

  it('gives the same final loss for the same seed', async () => {
    const again = await models.nplm.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    again.model.dispose();
  });
});
