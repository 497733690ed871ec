import assert from 'node:assert/strict';
import { models } from '../../dist/models/index.js';

describe('zoo: autoencoder (quick budget)', () => {
  let result;
  before(async function () {
    this.timeout(600_000);
    result = await models.autoencoder.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: MSE on noisy test images <= 0.6 x the mean-image baseline, and below the noisy input', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testMse <= 0.6 * result.metrics.meanImageMse);
    assert.ok(result.metrics.testMse < result.metrics.noisyInputMse);
  });

  it('puts the reconstructions in the report as a 3-row grid of 10 images', () => {
    const [image] = result.images;
    assert.equal(image.width, 10 * 29 + 1);
    assert.equal(image.height, 3 * 29 + 1);
    assert.equal(image.pixels.length, image.width * image.height);
  });

  it('gives the same final loss for the same seed', async function () {
    this.timeout(600_000);
    const again = await models.autoencoder.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    again.model.dispose();
  });

  it('evaluates the trained model to the MSE it reported', async () => {
    const { testMse } = await models.autoencoder.evaluate(result.model, { budget: 'quick' });
    assert.equal(testMse, result.metrics.testMse);
  });
});
