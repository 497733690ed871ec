import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wg from '../../dist/bindings/index.js';
import { fit } from '../../dist/models/fit.js';
import { layerStatsOf, samplingInterval } from '../../dist/models/layer-stats.js';
import { writeRun } from '../../dist/models/run-dir.js';

/** A two-layer net fitted for `steps` steps on a fixed random regression batch. */
function trainTiny(steps) {
  const model = new wg.nn.Sequential(
    new wg.nn.Linear(4, 8, { seed: 1 }), new wg.nn.Tanh(), new wg.nn.Linear(8, 2, { seed: 2 }));
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: 1e-2 });
  const history = fit({
    phase: 'tiny', model, optimizer, epochs: 2, stepsPerEpoch: steps / 2, samplesPerStep: 16,
    *batches() {
      for (let i = 0; i < steps / 2; i++) yield { x: wg.randn([16, 4], { seed: 3 }), y: wg.randn([16, 2], { seed: 4 }) };
    },
    loss: (x, y) => wg.mseLoss(model.forward(x), y),
  });
  optimizer.dispose();
  return { model, history };
}

describe('zoo: per-parameter weight and gradient statistics', () => {
  it('samples every 50 steps at most, and at least ~20 times in short runs', () => {
    assert.equal(samplingInterval(10), 1);
    assert.equal(samplingInterval(200), 10);
    assert.equal(samplingInterval(100000), 50);
  });

  it('records one finite series per parameter at each sampled step, without leaking tensors', () => {
    const live = wg.memory().liveTensors;
    const { model } = trainTiny(40);
    const stats = layerStatsOf(model);
    assert.ok(stats !== undefined);
    assert.equal(stats.every, 2);
    assert.deepEqual(stats.steps, Array.from({ length: 20 }, (_, i) => 2 * i));
    assert.deepEqual(stats.parameters.map((p) => p.name), [...model.namedParameters()].map(([k]) => k));
    for (const p of stats.parameters) {
      for (const series of [p.weightRms, p.gradRms, p.updateRatio]) {
        assert.equal(series.length, stats.steps.length, p.name);
        assert.ok(series.every((v) => Number.isFinite(v) && v > 0), `${p.name}: ${series}`);
      }
      // Adam's first update moves each weight by about lr, so the ratio is lr / weight RMS.
      assert.ok(Math.abs(p.updateRatio[0] * p.weightRms[0] - 1e-2) < 2e-3, `${p.name}: ${p.updateRatio[0] * p.weightRms[0]}`);
    }
    model.dispose();
    assert.equal(wg.memory().liveTensors, live);
  });

  it('continues the step count when the same model trains again', () => {
    const model = new wg.nn.Linear(3, 1, { seed: 5 });
    const optimizer = new wg.optim.SGD(model.parameters(), { lr: 0.1 });
    const phase = () => fit({
      phase: 'again', model, optimizer, epochs: 1, stepsPerEpoch: 4, samplesPerStep: 8,
      *batches() {
        for (let i = 0; i < 4; i++) yield { x: wg.randn([8, 3], { seed: i }), y: wg.randn([8, 1], { seed: 9 }) };
      },
      loss: (x, y) => wg.mseLoss(model.forward(x), y),
    });
    phase();
    phase();
    assert.deepEqual(layerStatsOf(model).steps, [0, 1, 2, 3, 4, 5, 6, 7]);
    model.dispose();
  });

  it('writes the statistics to metrics.json and draws them in report.html', async () => {
    const { model, history } = trainTiny(20);
    const dir = join(mkdtempSync(join(tmpdir(), 'wasmgrad-stats-')), 'run');
    const criterion = { description: 'none', measured: 'none', met: true };
    await writeRun(dir, 'tiny', { model, history, metrics: {}, criterion, dataset: 'noise' }, 1, {});
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.layerStats.parameters.length, 4);
    assert.equal(metrics.layerStats.parameters[0].gradRms.length, 20);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /Weights and gradients over training/);
    // Four parameters, three charts each, beside the loss chart.
    assert.equal(html.match(/<polyline/g).length, 12 + 1);
    // The loss chart's x axis counts epochs, the statistics' charts optimizer steps.
    assert.equal(html.match(/>epoch<\/text>/g).length, 1);
    assert.equal(html.match(/>optimizer step<\/text>/g).length, 12);
    model.dispose();
  });
});
