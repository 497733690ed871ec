// The report's table of per-parameter statistics: a row per parameter tensor, a small chart per
// statistic against the optimizer step. The charts are on a log scale, because what matters is
// the order of magnitude (a gradient RMS that drops by 1000x between the last and first layer is
// the vanishing gradient).
import type { LayerStats } from './layer-stats.js';
import { lineChartSvg } from './line-chart.js';

function statChart(steps: readonly number[], values: readonly number[], label: string): string {
  const svg = lineChartSvg(steps, values, { width: 210, height: 120, xLabel: 'optimizer step', yLabel: label, logY: true });
  if (svg === '') return '<td>0</td>';
  const shown = values.filter((v) => Number.isFinite(v) && v > 0);
  const last = shown[shown.length - 1];
  return `<td>${svg}<br><small>${Math.min(...shown).toExponential(1)} to ${Math.max(...shown).toExponential(1)}, last ${last.toExponential(1)}</small></td>`;
}

export function layerStatsTable(stats: LayerStats | undefined): string {
  if (stats === undefined || stats.steps.length === 0) return '';
  const rows = stats.parameters.map((p) => `<tr><td>${p.name}<br><small>[${p.shape.join(', ')}]</small></td>` +
    `${statChart(stats.steps, p.weightRms, 'weight RMS')}${statChart(stats.steps, p.gradRms, 'gradient RMS')}${statChart(stats.steps, p.updateRatio, 'update / weight')}</tr>`).join('');
  return `<h2>Weights and gradients over training</h2>
<p>Each parameter tensor, sampled every ${stats.every} optimizer steps (${stats.steps.length} samples, steps ${stats.steps[0]} to ${stats.steps[stats.steps.length - 1]}), log scale.
An update/weight ratio near 1e-3 is healthy; gradients shrinking layer by layer towards the input show vanishing gradients.</p>
<table><tr><th>parameter</th><th>weight RMS</th><th>gradient RMS</th><th>update / weight RMS</th></tr>${rows}</table>`;
}
