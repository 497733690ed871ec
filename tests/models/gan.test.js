import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

describe('zoo: gan (quick budget)', () => {
  let result;
  before(async function () {
    result = await wg.models.gan.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: >= 6 of 8 modes covered, >= 50% of samples within 3 sigma', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.modesCovered >= 6 && result.metrics.highQuality >= 0.5);
  });

  it('trains a DCGAN whose samples move toward the data and puts both figures in the report', () => {
    const m = result.metrics;
    assert.ok(Number.isFinite(m.dcganDiscriminatorLoss) && Number.isFinite(m.dcganGeneratorLoss));
    assert.ok(m.dcganMeanImageGapAfter < m.dcganMeanImageGapBefore, `${m.dcganMeanImageGapBefore} -> ${m.dcganMeanImageGapAfter}`);
    assert.equal(result.images.length, 2);
    assert.equal((result.images[0].svg.match(/<circle/g) ?? []).length >= 1000 + 8, true);
    assert.match(result.images[1].svg, /href="data:image\/png;base64,iVBORw0KGgo/);
  });

  it('gives the same final losses for the same seed', async () => {
    const again = await wg.models.gan.train({ budget: 'quick', epochs: 2 });
    const once = await wg.models.gan.train({ budget: 'quick', epochs: 2 });
    assert.equal(again.history.at(-1).loss, once.history.at(-1).loss);
    assert.equal(again.metrics.dcganGeneratorLoss, once.metrics.dcganGeneratorLoss);
    again.model.dispose();
    once.model.dispose();
  });

  it('evaluates a rebuilt model from its state dict to the same coverage', async () => {
    const rebuilt = wg.models.gan.build(7);
    rebuilt.loadStateDict(result.model.stateDict());
    assert.deepEqual(await wg.models.gan.evaluate(rebuilt), await wg.models.gan.evaluate(result.model));
    rebuilt.dispose();
  });
});
