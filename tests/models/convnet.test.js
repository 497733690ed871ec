import assert from 'node:assert/strict';
import { models } from '../../dist/models/index.js';
import { glyphs, GLYPH_CLASSES } from '../../dist/models/data/glyphs.js';
import { CONVNET_SCHEDULE, classifierRateSchedule } from '../../dist/models/convnet.js';
import * as wg from '../../dist/bindings/index.js';

describe('zoo: convnet (quick budget)', () => {
  let result;
  before(async function () {
    this.timeout(600_000);
    result = await models.convnet.train({ budget: 'quick' });
  });
  after(() => result?.model.dispose());

  it('meets the scaled-down criterion: >= 0.7 test accuracy after two epochs of 1024 Fashion-MNIST images', () => {
    console.log(`      ${result.dataset}: ${result.criterion.measured}`);
    assert.match(result.dataset, /^Fashion-MNIST/);
    assert.ok(result.criterion.met, result.criterion.measured);
    assert.ok(result.metrics.testAccuracy >= 0.7);
    assert.ok(result.history.at(-1).loss < result.history[0].loss);
  });

  it('gives the same final loss for the same seed', async function () {
    this.timeout(600_000);
    const again = await models.convnet.train({ budget: 'quick' });
    assert.equal(again.history.at(-1).loss, result.history.at(-1).loss);
    assert.equal(again.metrics.testAccuracy, result.metrics.testAccuracy);
    again.model.dispose();
  });

  it('evaluates a rebuilt model from its state dict (weights and batch-norm statistics) to the same accuracy', async () => {
    const rebuilt = models.convnet.build(7);
    rebuilt.loadStateDict(result.model.stateDict());
    rebuilt.eval();
    const opts = { budget: 'quick' };
    assert.deepEqual(await models.convnet.evaluate(rebuilt, opts), await models.convnet.evaluate(result.model, opts));
    assert.equal((await models.convnet.evaluate(rebuilt, opts)).testAccuracy, result.metrics.testAccuracy);
    rebuilt.dispose();
  });
});

describe('convnet: the full budget\'s rate schedule', () => {
  const rates = (schedule, stepsPerEpoch) => {
    const p = wg.zeros([1]).requiresGrad_();
    const optimizer = new wg.optim.Adam([p], { lr: schedule.lr });
    const s = classifierRateSchedule(optimizer, schedule, stepsPerEpoch);
    const out = Array.from({ length: schedule.epochs * stepsPerEpoch + 1 }, (_, i) => s.lrAt(i));
    optimizer.dispose();
    p.dispose();
    return out;
  };

  it('warms up linearly from a tenth of the rate over half an epoch, then falls along a cosine to zero', () => {
    const { full } = CONVNET_SCHEDULE;
    assert.equal(full.warmupEpochs, 0.5);
    assert.equal(full.labelSmoothing, 0.1);
    const lr = rates(full, 100);
    const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
    close(lr[0], 0.1 * full.lr);
    close(lr[25], 0.55 * full.lr);
    close(lr[50], full.lr);
    const steps = full.epochs * 100;
    close(lr[50 + (steps - 50) / 2], full.lr / 2);
    close(lr[steps], 0);
    for (let i = 1; i <= 50; i++) assert.ok(lr[i] > lr[i - 1], `rising at ${i}`);
    for (let i = 51; i <= steps; i++) assert.ok(lr[i] < lr[i - 1], `falling at ${i}`);
  });

  it('without warm-up, starts at the rate (the quick budget)', () => {
    const lr = rates(CONVNET_SCHEDULE.quick, 10);
    assert.equal(lr[0], CONVNET_SCHEDULE.quick.lr);
    assert.equal(lr.at(-1), 0);
  });
});

describe('generated glyphs', () => {
  it('are seeded 28x28 images in [0, 1] with labels cycling through ten classes', () => {
    const a = glyphs(30, 5);
    assert.deepEqual(a.shape, [30, 1, 28, 28]);
    assert.equal(GLYPH_CLASSES.length, 10);
    assert.deepEqual(Array.from(a.labels.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.ok(a.images.every((v) => v >= 0 && v <= 1));
    assert.deepEqual(glyphs(30, 5).images, a.images);
    assert.notDeepEqual(glyphs(30, 6).images, a.images);
  });

  it('differ by class more than by draw: a nearest-class-mean classifier beats chance by far', () => {
    const train = glyphs(500, 1);
    const test = glyphs(200, 2);
    const means = Array.from({ length: 10 }, () => new Float64Array(784));
    train.labels.forEach((c, i) => { for (let p = 0; p < 784; p++) means[c][p] += train.images[i * 784 + p] / 50; });
    let correct = 0;
    test.labels.forEach((c, i) => {
      const distances = means.map((m) => m.reduce((s, v, p) => s + (v - test.images[i * 784 + p]) ** 2, 0));
      if (distances.indexOf(Math.min(...distances)) === c) correct++;
    });
    assert.ok(correct / 200 > 0.3, `nearest mean accuracy ${correct / 200}`);
  });

  it('stand in when asked for: the convnet trains on them with --data glyphs', async () => {
    const r = await models.convnet.train({ budget: 'quick', data: 'glyphs', epochs: 1 });
    assert.match(r.dataset, /^generated glyphs/);
    assert.ok(r.metrics.testAccuracy > 0.3, r.criterion.measured);
    r.model.dispose();
  });
});
