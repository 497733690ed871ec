import assert from 'node:assert/strict';
import { formatTick, lineChartSvg } from '../../dist/models/line-chart.js';

const SIZE = { width: 480, height: 220 };

/** The chart's text: tick labels in drawing order (y first, then x), then the x and y axis labels. */
function labels(svg) {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** The y-axis tick labels: the ones right-aligned beside the plot. */
function yTicks(svg) {
  return [...svg.matchAll(/<text[^>]*text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('zoo report: line charts', () => {
  it('labels both axes and puts round ticks on a linear scale that covers the data', () => {
    const epochs = Array.from({ length: 40 }, (_, i) => i + 1);
    const accuracy = epochs.map((e) => 0.674 + (0.325 * e) / 40);
    const svg = lineChartSvg(epochs, accuracy, { ...SIZE, xLabel: 'epoch', yLabel: 'testAccuracy' });
    const text = labels(svg);
    assert.deepEqual(text.slice(-2), ['epoch', 'testAccuracy']);
    assert.deepEqual(yTicks(svg), ['0.6', '0.7', '0.8', '0.9', '1.0']);
    assert.deepEqual(text.filter((t) => !yTicks(svg).includes(t)).slice(0, -2), ['10', '20', '30', '40']);
    assert.equal(svg.match(/<polyline/g).length, 1);
  });

  it('on a log scale, ticks at powers of ten when the data spans them, round values in between when not', () => {
    const steps = [0, 100, 200, 300, 400, 500];
    const wide = lineChartSvg(steps, [2e-2, 1e-2, 3e-3, 1e-3, 5e-4, 2.3e-4], { width: 210, height: 120, xLabel: 'optimizer step', yLabel: 'gradient RMS', logY: true });
    assert.deepEqual(yTicks(wide), ['0.001', '0.01']);
    const narrow = lineChartSvg(steps, [0.41, 0.39, 0.38, 0.37, 0.365, 0.36], { width: 210, height: 120, xLabel: 'optimizer step', yLabel: 'weight RMS', logY: true });
    assert.deepEqual(yTicks(narrow), ['0.35', '0.40']);
    const tiny = lineChartSvg(steps, [3e-6, 2e-6, 1e-6, 5e-7, 4e-7, 3e-7], { width: 210, height: 120, xLabel: 'optimizer step', yLabel: 'ratio', logY: true });
    assert.deepEqual(yTicks(tiny), ['5e-7', '1e-6', '2e-6']);
  });

  it('draws a single epoch as a dot with its one tick, and nothing when no value is finite', () => {
    const one = lineChartSvg([1], [0.5], { ...SIZE, xLabel: 'epoch', yLabel: 'loss' });
    assert.equal(one.match(/<circle/g).length, 1);
    assert.ok(labels(one).includes('1'));
    assert.equal(lineChartSvg([1, 2], [NaN, Infinity], { ...SIZE, xLabel: 'epoch', yLabel: 'loss' }), '');
    assert.equal(lineChartSvg([1, 2], [0, -1], { ...SIZE, xLabel: 'step', yLabel: 'ratio', logY: true }), '');
  });

  it('prints tick values with the digits their spacing needs', () => {
    assert.equal(formatTick(0.25, 0.05), '0.25');
    assert.equal(formatTick(0.5, 0.5), '0.5');
    assert.equal(formatTick(1, 0.1), '1.0');
    assert.equal(formatTick(200, 100), '200');
    assert.equal(formatTick(1e-4, 1e-4), '1e-4');
    assert.equal(formatTick(1.5e-4, 5e-5), '1.5e-4');
    assert.equal(formatTick(2e6, 1e6), '2e6');
    assert.equal(formatTick(0, 0.1), '0');
  });
});
