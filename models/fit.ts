// The training loop every zoo model shares: scoped steps (so memory stays flat), per-epoch
// evaluation, progress with throughput, and per-parameter statistics every few steps.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Optimizer } from '../bindings/optim/optimizer.js';
import type { Tensor } from '../bindings/tensor.js';
import { LayerStatsRecorder } from './layer-stats.js';
import type { EpochRecord, Progress } from './zoo.js';

export interface Batch {
  x: Tensor;
  y: Tensor;
}

export interface FitConfig {
  phase: string;
  model: Module;
  optimizer: Optimizer;
  epochs: number;
  stepsPerEpoch: number;
  samplesPerStep: number;
  /** The batches of one epoch; fit disposes each after its step. */
  batches(epoch: number): Iterable<Batch>;
  loss(x: Tensor, y: Tensor): Tensor;
  /** Metrics after each epoch, measured in eval mode. */
  evaluate?(epoch: number): Record<string, number>;
  onProgress?: (p: Progress) => void;
  /** Rescales the gradients to at most this joint L2 norm before each step (recurrent nets). */
  clipGradNorm?: number;
  /** Called after each optimizer step (schedulers). */
  afterStep?(): void;
}

export function fit(cfg: FitConfig): EpochRecord[] {
  const history: EpochRecord[] = [];
  const started = performance.now();
  const stats = new LayerStatsRecorder(cfg.model, cfg.epochs * cfg.stepsPerEpoch);
  const trained = [...cfg.model.namedParameters()].filter(([, p]) => p.requiresGrad);
  let done = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    cfg.model.train();
    let total = 0;
    let steps = 0;
    for (const { x, y } of cfg.batches(epoch)) {
      const loss = wg.scope(() => {
        cfg.optimizer.zeroGrad();
        const l = cfg.loss(x, y);
        l.backward();
        if (cfg.clipGradNorm !== undefined) wg.optim.clipGradNorm(cfg.model.parameters(), cfg.clipGradNorm);
        if (stats.due(done)) stats.record(done, trained, () => cfg.optimizer.step());
        else cfg.optimizer.step();
        return l.item();
      });
      x.dispose();
      y.dispose();
      cfg.afterStep?.();
      total += loss;
      steps++;
      done++;
      const seconds = (performance.now() - started) / 1000;
      cfg.onProgress?.({
        phase: cfg.phase, epoch, epochs: cfg.epochs, step: steps, steps: cfg.stepsPerEpoch, loss,
        samplesPerSecond: (done * cfg.samplesPerStep) / Math.max(seconds, 1e-9),
      });
    }
    cfg.model.eval();
    history.push({ epoch, loss: total / Math.max(steps, 1), ...(cfg.evaluate?.(epoch) ?? {}) });
  }
  cfg.model.eval();
  return history;
}

/** Batches of rows of `features` (n, width) with their labels, in a seeded order per epoch. */
export function* rowBatches(
  features: Float32Array, labels: Int32Array, width: number, batch: number, seed: number, epoch: number,
): Generator<Batch> {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new wg.SeededRandom(seed, epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let start = 0; start + batch <= n; start += batch) {
    const xs = new Float32Array(batch * width);
    const ys = new Int32Array(batch);
    for (let b = 0; b < batch; b++) {
      const row = order[start + b];
      xs.set(features.subarray(row * width, (row + 1) * width), b * width);
      ys[b] = labels[row];
    }
    yield { x: wg.tensor(xs, [batch, width]), y: wg.tensor(ys, [batch]) };
  }
}

/** Fraction of rows whose arg-max class is the label, evaluated in chunks without a graph. */
export function accuracy(model: Module, features: Float32Array, labels: Int32Array, shape: readonly number[], chunk = 1000): number {
  const width = shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < labels.length; start += chunk) {
    const n = Math.min(chunk, labels.length - start);
    const predicted = wg.scope(() => wg.noGrad(() => {
      const x = wg.tensor(features.subarray(start * width, (start + n) * width), [n, ...shape]);
      return wg.argmax(model.forward(x), 1).toArray();
    }));
    for (let i = 0; i < n; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / labels.length;
}
