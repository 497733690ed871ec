// Per-parameter statistics over training, following Bengio's practical advice (2012): watch the
// scale of each layer's weights and gradients, and the size of each update relative to its weights
// (about 1e-3 is healthy; far above, training is unstable; far below, that layer barely learns).
// A sampled step costs a copy of the weights and three reductions per tensor, all in wasm, and a
// single read back to JavaScript; other steps cost nothing.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';

export interface ParameterSeries {
  name: string;
  shape: number[];
  /** One value per sampled step, aligned with LayerStats.steps. */
  weightRms: number[];
  gradRms: number[];
  /** RMS of the optimizer's update divided by the RMS of the weights before it. */
  updateRatio: number[];
}

export interface LayerStats {
  /** Sampling interval in optimizer steps. */
  every: number;
  /** The optimizer steps (counted from 0 over all of a module's training) that were sampled. */
  steps: number[];
  parameters: ParameterSeries[];
}

/** At most every 50 steps, and at least ~20 samples for short runs so the charts have a shape. */
export function samplingInterval(totalSteps: number): number {
  return Math.max(1, Math.min(50, Math.ceil(totalSteps / 20)));
}

// Statistics belong to the module that was trained, so the report finds them from the model a
// zoo entry returns without every model passing them through its own results.
const recorded = new WeakMap<Module, LayerStats>();

export function layerStatsOf(model: Module): LayerStats | undefined {
  return recorded.get(model);
}

/** Samples the statistics of `model`'s parameters around optimizer steps. */
export class LayerStatsRecorder {
  private readonly stats: LayerStats;
  private readonly firstStep: number;

  constructor(model: Module, totalSteps: number) {
    const existing = recorded.get(model);
    // A model trained in several phases keeps one record; its step count carries on.
    this.stats = existing ?? { every: samplingInterval(totalSteps), steps: [], parameters: [] };
    this.firstStep = existing === undefined || existing.steps.length === 0 ? 0 : existing.steps[existing.steps.length - 1] + 1;
    recorded.set(model, this.stats);
  }

  due(step: number): boolean {
    return step % this.stats.every === 0;
  }

  /**
   * Runs `update` (the optimizer step) and records, for each named parameter, the weights and
   * gradients it saw and the update it made. Call inside a scope: the temporaries are its.
   */
  record(step: number, named: readonly (readonly [string, Tensor])[], update: () => void): void {
    const globalStep = this.firstStep + step;
    const measure = () => wg.noGrad(() => {
      const before = named.map(([, p]) => wg.add(p, 0));
      const weightMs = before.map((w) => wg.mean(wg.square(w)));
      const gradMs = named.map(([, p]) => (p.grad ? wg.mean(wg.square(p.grad)) : wg.zeros([])));
      update();
      const updateMs = named.map(([, p], i) => wg.mean(wg.square(wg.sub(p, before[i]))));
      return wg.stack([...weightMs, ...gradMs, ...updateMs]).toArray();
    });
    const values = measure();
    const n = named.length;
    if (this.stats.steps[this.stats.steps.length - 1] !== globalStep) this.stats.steps.push(globalStep);
    const at = this.stats.steps.length - 1;
    named.forEach(([name, p], i) => {
      let series = this.stats.parameters.find((s) => s.name === name);
      if (series === undefined) {
        series = { name, shape: [...p.shape], weightRms: [], gradRms: [], updateRatio: [] };
        this.stats.parameters.push(series);
      }
      const weightRms = Math.sqrt(values[i]);
      series.weightRms[at] = weightRms;
      series.gradRms[at] = Math.sqrt(values[n + i]);
      // A tensor of zeros (a fresh bias) has no scale to compare its update with.
      series.updateRatio[at] = weightRms > 0 ? Math.sqrt(values[2 * n + i]) / weightRms : 0;
    });
  }
}
