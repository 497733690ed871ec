// The demo's trainer, in a module Worker so the page never waits on a training step: an MLP
// learns 3-arm spirals; after each chunk of steps it posts the loss, and now and then the class
// probabilities over a grid, which the page paints as the decision boundary.
import * as wg from '../dist/bindings/index.js';
import { spirals } from '../dist/models/data/spirals.js';

const GRID = 64;
const EXTENT = 1.25;
const STEPS_PER_CHUNK = 5;
const CHUNKS_PER_BOUNDARY = 4;

let model = null;
let optimizer = null;
let running = false;
let step = 0;
let wantedThreads = 1;
const data = spirals(100, 1);

function build() {
  const { Linear, ReLU, Sequential } = wg.nn;
  model = new Sequential(new Linear(2, 64, { seed: 1 }), new ReLU(), new Linear(64, 64, { seed: 3 }), new ReLU(),
    new Linear(64, 3, { seed: 5 }));
  optimizer = new wg.optim.Adam(model.parameters(), { lr: 0.01 });
  step = 0;
}

/** Class probabilities (GRID*GRID, 3) over [-EXTENT, EXTENT]², row 0 at the top. */
function boundary() {
  const xy = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      xy[2 * (r * GRID + c)] = -EXTENT + (2 * EXTENT * (c + 0.5)) / GRID;
      xy[2 * (r * GRID + c) + 1] = EXTENT - (2 * EXTENT * (r + 0.5)) / GRID;
    }
  }
  return wg.noGrad(() => wg.scope(() => wg.softmax(model.forward(wg.tensor(xy, [GRID * GRID, 2])), 1).toArray()));
}

function chunk(x, y) {
  let loss = 0;
  const started = performance.now();
  for (let i = 0; i < STEPS_PER_CHUNK; i++) {
    loss = wg.scope(() => {
      optimizer.zeroGrad();
      const l = wg.crossEntropy(model.forward(x), y);
      l.backward();
      optimizer.step();
      return l.item();
    });
    step++;
  }
  return { loss, msPerStep: (performance.now() - started) / STEPS_PER_CHUNK };
}

async function train() {
  const x = wg.tensor(data.points, [data.count, 2]);
  const y = wg.tensor(data.labels, [data.count], 'int32');
  try {
    for (let n = 0; running; n++) {
      if (wg.getNumThreads() !== wantedThreads) await wg.setNumThreads(wantedThreads);
      const { loss, msPerStep } = chunk(x, y);
      const accuracy = wg.noGrad(() => wg.scope(() => {
        const predicted = wg.argmax(model.forward(x), 1).toArray();
        return predicted.filter((p, i) => p === data.labels[i]).length / data.count;
      }));
      const grid = n % CHUNKS_PER_BOUNDARY === 0 ? boundary() : null;
      postMessage({ kind: 'progress', step, loss, accuracy, msPerStep, threads: wg.getNumThreads(), grid }, grid ? [grid.buffer] : []);
      // Lets 'stop' and thread changes in between chunks.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    x.dispose();
    y.dispose();
  }
  postMessage({ kind: 'stopped', step });
}

onmessage = async ({ data: message }) => {
  try {
    if (message.kind === 'threads') wantedThreads = message.threads;
    if (message.kind === 'stop') running = false;
    if (message.kind === 'reset' && !running && model !== null) {
      model.dispose();
      optimizer.dispose();
      model = null;
    }
    if (message.kind === 'start' && !running) {
      wantedThreads = message.threads;
      const info = await wg.ready({ threads: wantedThreads });
      if (model === null) build();
      postMessage({ kind: 'ready', info, points: data.points, labels: data.labels, grid: GRID, extent: EXTENT });
      running = true;
      await train();
    }
  } catch (e) {
    running = false;
    postMessage({ kind: 'error', message: String(e?.stack ?? e) });
  }
};
