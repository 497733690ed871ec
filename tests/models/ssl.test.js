import assert from 'node:assert/strict';
import { models } from '../../dist/models/index.js';
import { shapes, SHAPE_CLASSES } from '../../dist/models/data/shapes.js';

describe('zoo: ssl (quick budget)', () => {
  let result;
  before(async function () {
    result = await models.ssl.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: the probe beats training from scratch; no variance term collapses', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.probeAccuracy >= result.metrics.fromScratchAccuracy + 0.05);
    assert.ok(result.metrics.collapsedEmbeddingStd < result.metrics.embeddingStd / 4);
  });

  it('gives the same loss for the same seed', async () => {
    // A one-epoch run takes the same first steps as the quick run.
    const again = await models.ssl.train({ budget: 'quick', epochs: 1 });
    assert.equal(again.history.at(-1).loss, result.history[0].loss);
    again.model.dispose();
  });

  it('generates the same shapes for a seed, every class, ink in [0, 1]', () => {
    const a = shapes(4, 9);
    const b = shapes(4, 9);
    assert.deepEqual(a.images, b.images);
    assert.notDeepEqual(shapes(4, 10).images, a.images);
    assert.equal(a.count, 4 * SHAPE_CLASSES.length);
    for (let k = 0; k < SHAPE_CLASSES.length; k++) assert.equal(a.labels.filter((l) => l === k).length, 4);
    assert.ok(a.images.every((v) => v >= 0 && v <= 1));
  });
});
