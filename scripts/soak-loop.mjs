// The soak loop shared by `npm run soak` and tests/reliability/soak.test.js: a small MLP trains
// inside wg.scope, as the README teaches, and the engine's figures are sampled after a warm-up and
// at the end. A leak shows as growth in one of them.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as wg from '../dist/bindings/index.js';

// A collector to call before reading the JS heap: the one --expose-gc gives, or one exposed now.
function collector() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

function sample(gc) {
  gc();
  const m = wg.memory();
  return { pages: m.pages, liveTensors: m.liveTensors, liveBytes: m.liveBytes, heapUsed: process.memoryUsage().heapUsed };
}

/**
 * Trains for `steps` steps; returns the figures after `warmup` steps and at the end, each growth as
 * a fraction of the warm value, and the first and last losses (the model must actually learn).
 */
export function soak(steps, warmup = Math.max(200, Math.floor(steps / 10))) {
  const gc = collector();
  const model = new wg.nn.Sequential(
    new wg.nn.Linear(32, 64, { seed: 1 }), new wg.nn.ReLU(),
    new wg.nn.Linear(64, 64, { seed: 2 }), new wg.nn.ReLU(),
    new wg.nn.Linear(64, 8, { seed: 3 }),
  );
  const opt = new wg.optim.AdamW(model.parameters(), { lr: 1e-3 });
  const x = wg.randn([64, 32], { seed: 4 });
  const y = wg.tensor(new Int32Array(64).map((_, i) => (i * 7) % 8), [64]);
  const step = () => wg.scope(() => {
    opt.zeroGrad();
    const loss = wg.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  });
  const firstLoss = step();
  for (let i = 1; i < warmup; i++) step();
  const warm = sample(gc);
  let lastLoss = firstLoss;
  for (let i = warmup; i < steps; i++) lastLoss = step();
  const end = sample(gc);
  opt.zeroGrad();
  opt.dispose();
  for (const p of model.parameters()) p.dispose();
  x.dispose();
  y.dispose();
  const growth = Object.fromEntries(Object.keys(warm).map((k) => [k, (end[k] - warm[k]) / Math.max(warm[k], 1)]));
  return { steps, warmup, warm, end, growth, firstLoss, lastLoss };
}

export function formatSoak(r) {
  const lines = [`${r.steps} steps (figures after ${r.warmup} warm-up steps and at the end); loss ${r.firstLoss.toFixed(4)} -> ${r.lastLoss.toFixed(4)}`];
  for (const k of Object.keys(r.warm)) {
    lines.push(`  ${k.padEnd(12)} ${String(r.warm[k]).padStart(12)} -> ${String(r.end[k]).padStart(12)}  growth ${(100 * r.growth[k]).toFixed(3)}%`);
  }
  return lines.join('\n');
}
