// The report's table of per-parameter statistics: a row per parameter tensor, a small chart per
// statistic. The charts are on a log scale, because what matters is the order of magnitude (a
// gradient RMS that drops by 1000x between the last and first layer is the vanishing gradient).
import type { LayerStats } from './layer-stats.js';

const WIDTH = 160;
const HEIGHT = 40;

function sparkline(steps: readonly number[], values: readonly number[]): string {
  const points = values.map((v, i) => [steps[i], v] as const).filter(([, v]) => Number.isFinite(v) && v > 0);
  if (points.length === 0) return '<td>0</td>';
  const logs = points.map(([, v]) => Math.log10(v));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const first = steps[0];
  const span = Math.max(steps[steps.length - 1] - first, 1);
  const xy = points.map(([s], i) => `${(2 + ((WIDTH - 4) * (s - first)) / span).toFixed(1)},${(HEIGHT - 2 - ((HEIGHT - 4) * (logs[i] - lo)) / (hi - lo || 1)).toFixed(1)}`);
  const last = points[points.length - 1][1];
  return `<td><svg width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#f8f8f8"/>` +
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${xy.join(' ')}"/></svg>` +
    `<br><small>${(10 ** lo).toExponential(1)} to ${(10 ** hi).toExponential(1)}, last ${last.toExponential(1)}</small></td>`;
}

export function layerStatsTable(stats: LayerStats | undefined): string {
  if (stats === undefined || stats.steps.length === 0) return '';
  const rows = stats.parameters.map((p) => `<tr><td>${p.name}<br><small>[${p.shape.join(', ')}]</small></td>` +
    `${sparkline(stats.steps, p.weightRms)}${sparkline(stats.steps, p.gradRms)}${sparkline(stats.steps, p.updateRatio)}</tr>`).join('');
  return `<h2>Weights and gradients over training</h2>
<p>Each parameter tensor, sampled every ${stats.every} optimizer steps (${stats.steps.length} samples, steps ${stats.steps[0]} to ${stats.steps[stats.steps.length - 1]}), log scale.
An update/weight ratio near 1e-3 is healthy; gradients shrinking layer by layer towards the input show vanishing gradients.</p>
<table><tr><th>parameter</th><th>weight RMS</th><th>gradient RMS</th><th>update / weight RMS</th></tr>${rows}</table>`;
}
