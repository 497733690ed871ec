import assert from 'node:assert/strict';
import { models } from '../../dist/models/index.js';
import { layerStatsOf } from '../../dist/models/layer-stats.js';

describe('zoo: gan (quick budget)', () => {
  let result;
  before(async function () {
    // GANs need hundreds of steps before the modes appear: the slowest zoo test.
    this.timeout(300_000);
    result = await models.gan.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: >= 6 of 8 modes covered, >= 25% of samples within 3 sigma', () => {
    console.log(`      ${result.criterion.measured}`);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.modesCovered >= 6 && result.metrics.highQuality >= 0.25);
  });

  it('steps a DCGAN and puts its sample grid and the ring scatter in the report', () => {
    const m = result.metrics;
    assert.ok(Number.isFinite(m.dcganDiscriminatorLoss) && Number.isFinite(m.dcganGeneratorLoss));
    assert.equal(result.images.length, 2);
    assert.equal((result.images[0].svg.match(/<circle/g) ?? []).length >= 1000 + 8, true);
    const grid = result.images[1];
    assert.equal(grid.width, 8 * 29 + 1);
    assert.equal(grid.height, 8 * 29 + 1);
    assert.equal(grid.pixels.length, grid.width * grid.height);
  });

  it("records both players' weight and gradient statistics for the pair's report", () => {
    const stats = layerStatsOf(result.model);
    const names = [...result.model.namedParameters()].map(([k]) => k);
    assert.deepEqual(stats.parameters.map((p) => p.name).sort(), names.sort());
    for (const p of stats.parameters) assert.ok(p.gradRms.length === stats.steps.length && p.gradRms.every((v) => Number.isFinite(v) && v > 0), p.name);
  });

  it('gives the same losses for the same seed', async function () {
    this.timeout(120_000);
    // The learning-rate decay follows the length of the run, so two short runs (one round, small
    // batches; the DCGAN phase is the full quick one) are compared.
    const short = () => models.gan.train({ budget: 'quick', epochs: 1, batch: 64 });
    const [a, b] = [await short(), await short()];
    assert.equal(a.history.at(-1).loss, b.history.at(-1).loss);
    assert.equal(a.history.at(-1).generatorLoss, b.history.at(-1).generatorLoss);
    assert.equal(a.metrics.dcganGeneratorLoss, result.metrics.dcganGeneratorLoss);
    a.model.dispose();
    b.model.dispose();
  });

  it('evaluates a rebuilt model from its state dict to the same coverage', async () => {
    const rebuilt = models.gan.build(7);
    rebuilt.loadStateDict(result.model.stateDict());
    assert.deepEqual(await models.gan.evaluate(rebuilt), await models.gan.evaluate(result.model));
    rebuilt.dispose();
  });
});
