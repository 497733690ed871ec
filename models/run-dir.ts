// What `wasmgrad train` leaves behind: the checkpoint, the metrics, and a self-contained report.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as wg from '../bindings/index.js';
import { checkpointMetadata } from './checkpoint.js';
import { labelledGridSvg } from './labelled-grid-figure.js';
import { layerStatsTable } from './layer-stats-figure.js';
import { layerStatsOf } from './index.js';
import { lineChartSvg } from './line-chart.js';
import { metricName } from './metric-name.js';
import { base64, grayscalePng } from './png.js';
import type { Budget, ReportImage, TrainResult } from './zoo.js';

/** A metric's chart: one value per epoch, drawn at the epoch's end (1 to N). */
function epochChart(metric: string, history: TrainResult['history']): string {
  const name = metricName(metric);
  const svg = lineChartSvg(history.map((r) => r.epoch + 1), history.map((r) => r[metric]), { width: 480, height: 220, xLabel: 'epoch', yLabel: name });
  return svg === '' ? '' : `<h2>${name}</h2>${svg}`;
}

/** Grey pixels are shown three times larger, kept sharp; SVG figures as they are; captioned rows as an SVG of PNG strips. */
function imageFigure(image: ReportImage): string {
  const heading = `<h2>${image.title}</h2>${image.caption ? `<p>${image.caption}</p>` : ''}`;
  if ('svg' in image) return heading + image.svg;
  if ('rows' in image) return heading + labelledGridSvg(image.rows, image.side);
  const png = base64(grayscalePng(image.pixels, image.width, image.height));
  return `${heading}<img alt="${image.title}" width="${3 * image.width}" style="image-rendering:pixelated;max-width:100%" src="data:image/png;base64,${png}">`;
}

function report(name: string, result: TrainResult, seconds: number): string {
  const metrics = Object.keys(result.history[0] ?? {}).filter((k) => k !== 'epoch');
  const charts = metrics.map((m) => epochChart(m, result.history)).join('');
  const weights = result.model.parameters().length === 0 ? '' : `<h2>Weights</h2><table><tr><th>parameter</th><th>shape</th><th>mean</th><th>std</th></tr>${
    [...result.model.namedParameters()].map(([k, t]) => {
      const v = Array.from(t.toArray());
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
      return `<tr><td>${k}</td><td>[${t.shape.join(', ')}]</td><td>${mean.toExponential(2)}</td><td>${std.toExponential(2)}</td></tr>`;
    }).join('')}</table>`;
  const images = (result.images ?? []).map(imageFigure).join('');
  return `<!doctype html><meta charset="utf-8"><title>wasmgrad: ${name}</title>
<style>body{font-family:sans-serif;max-width:860px;margin:2em auto}td,th{padding:2px 8px;text-align:left}</style>
<h1>${name}</h1><p>${result.dataset}. ${seconds.toFixed(1)} s.</p>
<p><b>Criterion:</b> ${result.criterion.description}. <b>Measured:</b> ${result.criterion.measured}.
<b>${result.criterion.met ? 'Met' : 'Not met'}.</b></p>${charts}${images}${layerStatsTable(layerStatsOf(result.model))}${weights}`;
}

/** `info` describes the run (threads, runtime, budget: the zoo's default, full, when not given). */
export async function writeRun(dir: string, name: string, result: TrainResult, seconds: number, info: { budget?: Budget; [detail: string]: unknown }): Promise<void> {
  await mkdir(dir, { recursive: true });
  const verdict = { budget: info.budget ?? 'full', criterion: result.criterion };
  await wg.saveWeights(join(dir, 'checkpoint.safetensors'), result.model.stateDict(), checkpointMetadata(name, verdict));
  const metrics = { model: name, dataset: result.dataset, seconds, ...info, metrics: result.metrics, criterion: result.criterion, history: result.history, layerStats: layerStatsOf(result.model) };
  await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  await writeFile(join(dir, 'report.html'), report(name, result, seconds));
}
