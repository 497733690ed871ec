// One MLP training step (784-256-256-10, batch 128, Adam: forward, backward and update), in
// samples/s: wasmgrad on one thread and on all threads, against the same network and optimizer
// written with tfjs ops on its wasm and cpu backends and with jax-js (jit on its wasm device). Each
// part runs in its own process, so no backend's state leaks into another's timing.
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPart, finishPart, runPart } from './lib/processes.mjs';
import { Report } from './lib/report.mjs';
import { bestOfRounds } from './lib/timing.mjs';
import { jaxMlpStep, loadJax } from './lib/jax.mjs';
import { loadWasmgrad } from './lib/wasmgrad.mjs';

const BATCH = 128;
const SIZES = [784, 256, 256, 10];
const ALL = availableParallelism();
const labels = Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10);

async function oursPart(threads) {
  const wg = await loadWasmgrad({ threads });
  const { Linear, ReLU, Sequential } = wg.nn;
  const model = new Sequential(new Linear(784, 256, { seed: 1 }), new ReLU(), new Linear(256, 256, { seed: 2 }), new ReLU(),
    new Linear(256, 10, { seed: 3 }));
  const opt = new wg.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = wg.randn([BATCH, 784], { seed: 4 });
  const y = wg.tensor(labels, [BATCH]);
  const step = () => wg.scope(() => {
    opt.zeroGrad();
    wg.crossEntropy(model.forward(x), y).backward();
    opt.step();
  });
  const { ours } = await bestOfRounds({ ours: { fn: step } });
  return BATCH / ours;
}

async function tfjsPart(backend) {
  // tfjs-core alone registers no gradients; the full package does, as users load it to train.
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${dirname(fileURLToPath(import.meta.resolve('@tensorflow/tfjs-backend-wasm')))}/`);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  await tf.setBackend(backend);
  const weights = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const bound = 1 / Math.sqrt(SIZES[i]);
    weights.push(tf.variable(tf.randomUniform([SIZES[i], SIZES[i + 1]], -bound, bound)), tf.variable(tf.zeros([SIZES[i + 1]])));
  }
  const forward = (x) => {
    let h = x;
    for (let i = 0; i < weights.length; i += 2) {
      h = tf.add(tf.matMul(h, weights[i]), weights[i + 1]);
      if (i + 2 < weights.length) h = tf.relu(h);
    }
    return h;
  };
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, 784]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const step = () => tf.tidy(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)), false, weights));
  const { tfjs } = await bestOfRounds({ tfjs: { fn: step } }, { rounds: backend === 'cpu' ? 2 : 5 });
  return BATCH / tfjs;
}

async function jaxPart() {
  const jax = await loadJax();
  const step = jaxMlpStep(jax, { sizes: SIZES, batch: BATCH, labels, lr: 1e-3 });
  // The first steps compile; the loss they report shows the step trains before it is timed.
  const first = await step();
  let loss = first;
  for (let i = 0; i < 20; i++) loss = await step();
  if (!(loss < first)) throw new Error(`jax-js MLP: the loss did not fall over 20 steps (${first} -> ${loss})`);
  const { jax: seconds } = await bestOfRounds({ jax: { fn: step, async: true } });
  return BATCH / seconds;
}

const PARTS = {
  one: () => oursPart(1),
  all: () => oursPart(ALL),
  'tfjs-wasm': () => tfjsPart('wasm'),
  'tfjs-cpu': () => tfjsPart('cpu'),
  'jax-js': jaxPart,
};

export async function main({ json }) {
  const report = new Report('training');
  const measured = {};
  for (const part of Object.keys(PARTS)) measured[part] = await runPart(import.meta.url, part);
  const peers = { 'tfjs-wasm': measured['tfjs-wasm'], 'tfjs-cpu': measured['tfjs-cpu'], 'jax-js': measured['jax-js'] };
  report.add({ case: 'mlp 784-256-256-10 batch 128 adam threads=1', unit: 'samples/s', ours: measured.one, peers });
  report.add({ case: `mlp 784-256-256-10 batch 128 adam threads=${ALL}`, unit: 'samples/s', ours: measured.all, peers });
  report.note(`Best sample of each part, each in its own process; ${ALL} cores. tfjs and jax-js run one thread in Node (tfjs's wasm threads are browser-only).`);
  report.note('jax-js: the same step jit-compiled on its wasm device (valueAndGrad, Adam written with its ops, as it ships no optimizer), waited for by reading the loss.');
  report.note('One step is about 1.6 MFLOP per sample; targets: >= 5x tfjs-wasm and >= 25x tfjs-cpu on all threads.');
  report.print({ json });
}

const part = currentPart();
if (part !== null) {
  finishPart(await PARTS[part]());
  process.exit(0);
}
