// Training throughput of four zoo models at their default sizes (the architecture `wasmgrad train`
// builds, models/<name>.ts), in samples/s over up to a fixed number of Adam steps on one fixed batch
// (fewer when they pass a time limit, so the slow tfjs-cpu parts keep the suite within minutes):
// wasmgrad on all threads against the same architectures written with tfjs ops on its wasm and cpu
// backends. A language model's sample is one predicted character. Each part runs in its own
// process, so no backend's state leaks into another's timing.
import { availableParallelism } from 'node:os';
import { currentPart, finishPart, runPart } from './lib/processes.mjs';
import { Report } from './lib/report.mjs';
import { loadTfjs } from './lib/tfjs.mjs';
import { patchWasmConvFilterGradient } from './lib/tfjs-conv-filter-grad.mjs';
import { loadWasmgrad } from './lib/wasmgrad.mjs';

const ALL = availableParallelism();
const TIME_LIMIT_SECONDS = 15;
const SLOW_STEP_SECONDS = 5;
const WARMUP_SECONDS = 2;
const LR = 1e-3;

// Batch and shape of one step, as each model's full budget trains (mlp: spirals; convnet:
// Fashion-MNIST images; char-lstm and gpt: windows of 64 characters of a 96-symbol vocabulary).
const VOCAB = 96;
const WINDOW = 64;
const CASES = {
  mlp: { batch: 64, steps: 1000, samplesPerRow: 1, about: '2-64-64-3 ReLU, batch 64' },
  convnet: { batch: 128, steps: 10, samplesPerRow: 1, about: '2x(conv3x3 padded + BN + ReLU + maxpool) + 3136-128-10, batch 128 of 28x28' },
  'char-lstm': { batch: 32, steps: 10, samplesPerRow: WINDOW, about: 'embed 32, LSTM 64, window 64, batch 32' },
  gpt: { batch: 32, steps: 10, samplesPerRow: WINDOW, about: '2 pre-LN blocks, embed 64, 4 heads, window 64, batch 32' },
};

/** A deterministic batch shared by both engines: inputs and integer targets. */
function batchFor(name) {
  const { batch } = CASES[name];
  let state = 12345;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  if (name === 'mlp') return { x: Float32Array.from({ length: batch * 2 }, () => next() * 2 - 1), xShape: [batch, 2], y: Int32Array.from({ length: batch }, () => Math.floor(next() * 3)) };
  if (name === 'convnet') return { x: Float32Array.from({ length: batch * 784 }, next), xShape: [batch, 1, 28, 28], y: Int32Array.from({ length: batch }, () => Math.floor(next() * 10)) };
  const ids = () => Int32Array.from({ length: batch * WINDOW }, () => Math.floor(next() * VOCAB));
  return { x: ids(), xShape: [batch, WINDOW], y: ids() };
}

/**
 * Samples per second over the case's steps (or as many as fit the time limit, at least one), after
 * warm-up steps for WARMUP_SECONDS: V8 optimises JavaScript and tiers wasm up while it runs hot,
 * and a training run of many epochs sees the steady rate, so every engine gets the same warm-up.
 * A first step slower than SLOW_STEP_SECONDS is the measurement itself: its one-off costs are
 * small beside it, and more such steps would multiply a part's minutes.
 */
async function throughput(name, step) {
  const { batch, steps, samplesPerRow } = CASES[name];
  const warmup = performance.now();
  await step();
  const firstSeconds = (performance.now() - warmup) / 1e3;
  if (firstSeconds > SLOW_STEP_SECONDS) return { samplesPerSecond: (batch * samplesPerRow) / firstSeconds, steps: 1 };
  while (performance.now() - warmup < WARMUP_SECONDS * 1e3) await step();
  const start = performance.now();
  let done = 0;
  while (done < steps && (done === 0 || performance.now() - start < TIME_LIMIT_SECONDS * 1e3)) {
    await step();
    done++;
  }
  return { samplesPerSecond: (done * batch * samplesPerRow) / ((performance.now() - start) / 1e3), steps: done };
}

async function oursPart(name) {
  const wg = await loadWasmgrad({ threads: ALL });
  const { models } = await import('../dist/models/index.js');
  const model = models[name].build(1);
  model.train();
  const opt = new wg.optim.Adam(model.parameters(), { lr: LR });
  const { x: xs, xShape, y: ys } = batchFor(name);
  const x = wg.tensor(xs, xShape);
  const y = wg.tensor(ys, [ys.length]);
  const logits = (out) => (out.shape.length === 3 ? wg.reshape(out, [ys.length, out.shape[2]]) : out);
  return throughput(name, () => wg.scope(() => {
    opt.zeroGrad();
    wg.crossEntropy(logits(model.forward(x)), y).backward();
    opt.step();
  }));
}

/** tfjs variables initialised as torch does (uniform +-1/sqrt(fan in)); the values do not matter for speed. */
function variables(tf) {
  const list = [];
  const uniform = (shape, fanIn) => {
    const bound = 1 / Math.sqrt(fanIn);
    const v = tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', 7));
    list.push(v);
    return v;
  };
  const constant = (shape, value) => {
    const v = tf.variable(tf.fill(shape, value));
    list.push(v);
    return v;
  };
  return { list, uniform, constant };
}

function dense(tf, vars, inputs, outputs) {
  const w = vars.uniform([inputs, outputs], inputs);
  const b = vars.uniform([outputs], inputs);
  return (h) => tf.add(tf.matMul(h, w), b);
}

/** Layer norm over the last axis with a learned scale and shift. */
function layerNorm(tf, vars, width) {
  const gamma = vars.constant([width], 1);
  const beta = vars.constant([width], 0);
  return (h) => {
    const { mean, variance } = tf.moments(h, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
  };
}

/**
 * An embedding lookup as one-hot rows times the table: tfjs-backend-wasm cannot train tf.gather
 * (its gradient needs UnsortedSegmentSum, which that backend lacks), and both tfjs backends run
 * the same graph. The extra matmul is (rows, vocabulary) x (vocabulary, width), small beside the rest.
 */
const embed = (tf, table, ids) => tf.matMul(tf.oneHot(tf.reshape(ids, [ids.size]), table.shape[0]), table);

/** GELU, tanh form (tfjs has no GELU op). */
const gelu = (tf, h) => tf.mul(tf.mul(h, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(h, tf.mul(tf.pow(h, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));

/** The forward pass from the input tensor to (rows, classes) logits, for each zoo model. */
const TFJS_MODELS = {
  mlp(tf, vars) {
    const layers = [dense(tf, vars, 2, 64), dense(tf, vars, 64, 64), dense(tf, vars, 64, 3)];
    return (x) => layers[2](tf.relu(layers[1](tf.relu(layers[0](x)))));
  },
  convnet(tf, vars) {
    const conv1 = vars.uniform([3, 3, 1, 32], 9);
    const conv2 = vars.uniform([3, 3, 32, 64], 288);
    const norms = [32, 64].map((c) => ({ gamma: vars.constant([c], 1), beta: vars.constant([c], 0) }));
    const batchNorm = (h, { gamma, beta }) => {
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      return tf.batchNorm(h, mean, variance, beta, gamma, 1e-5);
    };
    const fc1 = dense(tf, vars, 3136, 128);
    const fc2 = dense(tf, vars, 128, 10);
    return (x) => {
      let h = tf.maxPool(tf.relu(batchNorm(tf.conv2d(x, conv1, 1, 'same'), norms[0])), 2, 2, 'valid');
      h = tf.maxPool(tf.relu(batchNorm(tf.conv2d(h, conv2, 1, 'same'), norms[1])), 2, 2, 'valid');
      return fc2(tf.relu(fc1(tf.reshape(h, [h.shape[0], 3136]))));
    };
  },
  'char-lstm'(tf, vars) {
    const table = vars.uniform([VOCAB, 32], 1);
    const inputGates = dense(tf, vars, 32, 4 * 64);
    const hiddenGates = vars.uniform([64, 4 * 64], 64);
    const head = dense(tf, vars, 64, VOCAB);
    return (ids) => {
      const [B, T] = ids.shape;
      const xs = inputGates(embed(tf, table, ids));
      const gatesIn = tf.unstack(tf.reshape(xs, [B, T, 4 * 64]), 1);
      let h = tf.zeros([B, 64]);
      let c = tf.zeros([B, 64]);
      const outputs = [];
      for (let t = 0; t < T; t++) {
        const [i, f, g, o] = tf.split(tf.add(gatesIn[t], tf.matMul(h, hiddenGates)), 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
        h = tf.mul(tf.sigmoid(o), tf.tanh(c));
        outputs.push(h);
      }
      return head(tf.reshape(tf.stack(outputs, 1), [B * T, 64]));
    };
  },
  gpt(tf, vars) {
    const D = 64;
    const H = 4;
    const tokens = vars.uniform([VOCAB, D], 1);
    const positions = vars.uniform([WINDOW, D], 1);
    const blocks = [0, 1].map(() => ({
      ln1: layerNorm(tf, vars, D), qkv: dense(tf, vars, D, 3 * D), out: dense(tf, vars, D, D),
      ln2: layerNorm(tf, vars, D), fc: dense(tf, vars, D, 4 * D), proj: dense(tf, vars, 4 * D, D),
    }));
    const lnF = layerNorm(tf, vars, D);
    // 0 where a position may attend (itself and the past), -1e9 above the diagonal.
    const causal = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([WINDOW, WINDOW]), -1, 0)), -1e9);
    return (ids) => {
      const [B, T] = ids.shape;
      let x = tf.add(tf.reshape(embed(tf, tokens, ids), [B, T, D]), positions);
      for (const blk of blocks) {
        const qkv = blk.qkv(tf.reshape(blk.ln1(x), [B * T, D]));
        const [q, k, v] = tf.split(qkv, 3, 1).map((m) => tf.transpose(tf.reshape(m, [B, T, H, D / H]), [0, 2, 1, 3]));
        const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(D / H)), causal);
        const attended = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [B * T, D]);
        x = tf.add(x, tf.reshape(blk.out(attended), [B, T, D]));
        const hidden = blk.proj(gelu(tf, blk.fc(tf.reshape(blk.ln2(x), [B * T, D]))));
        x = tf.add(x, tf.reshape(hidden, [B, T, D]));
      }
      return tf.matMul(tf.reshape(lnF(x), [B * T, D]), tokens, false, true);
    };
  },
};

async function tfjsPart(name, backend) {
  const tf = await loadTfjs();
  await tf.setBackend(backend);
  if (backend === 'wasm') patchWasmConvFilterGradient(tf);
  const vars = variables(tf);
  const forward = TFJS_MODELS[name](tf, vars);
  const { x: xs, xShape, y: ys } = batchFor(name);
  // tfjs convolutions are NHWC: (N, 1, 28, 28) and (N, 28, 28, 1) hold the same bytes.
  const x = tf.tensor(xs, name === 'convnet' ? [xShape[0], 28, 28, 1] : xShape, xs instanceof Int32Array ? 'int32' : 'float32');
  const classes = name === 'mlp' ? 3 : name === 'convnet' ? 10 : VOCAB;
  const y = tf.oneHot(tf.tensor1d(ys, 'int32'), classes);
  const optimizer = tf.train.adam(LR);
  return throughput(name, () => tf.tidy(() => {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)), false, vars.list);
  }));
}

const RUNTIMES = ['ours', 'tfjs-wasm', 'tfjs-cpu'];
const PARTS = Object.fromEntries(Object.keys(CASES).flatMap((name) => RUNTIMES.map((runtime) => [
  `${runtime}:${name}`, () => (runtime === 'ours' ? oursPart(name) : tfjsPart(name, runtime.slice('tfjs-'.length))),
])));

export async function main({ json, args }) {
  const chosen = Object.keys(CASES).filter((name) => args.includes(name));
  const names = chosen.length > 0 ? chosen : Object.keys(CASES);
  const report = new Report('zoo-train');
  for (const name of names) {
    const measured = {};
    for (const runtime of RUNTIMES) measured[runtime] = await runPart(import.meta.url, `${runtime}:${name}`);
    const wasmPeer = name === 'convnet' ? 'tfjs-wasm (patched)' : 'tfjs-wasm';
    report.add({
      case: `${name} (${CASES[name].about}) adam, threads=${ALL}`, unit: 'samples/s', ours: measured.ours.samplesPerSecond,
      peers: { [wasmPeer]: measured['tfjs-wasm'].samplesPerSecond, 'tfjs-cpu': measured['tfjs-cpu'].samplesPerSecond },
    });
    report.note(`${name}: steps timed: ${RUNTIMES.map((r) => `${r} ${measured[r].steps}`).join(', ')} (of at most ${CASES[name].steps}).`);
  }
  report.note(`Samples/s over up to a fixed number of Adam steps (fewer past ${TIME_LIMIT_SECONDS} s) on one fixed batch, after ${WARMUP_SECONDS} s of warm-up steps (a first step over ${SLOW_STEP_SECONDS} s is itself the one step timed), each engine in its own process; ${ALL} cores. A language model's sample is one predicted character.`);
  report.note('tfjs embeddings are one-hot matmuls (tfjs-backend-wasm has no UnsortedSegmentSum, the gradient of gather).');
  report.note('tfjs runs one thread in Node (its wasm threads are browser-only). tfjs-wasm (patched): tfjs-backend-wasm lacks Conv2DBackpropFilter, registered from its own kernels (bench/lib/tfjs-conv-filter-grad.mjs).');
  report.note('Target: >= 5x tfjs-wasm on every model.');
  report.print({ json });
}

const part = currentPart();
if (part !== null) {
  finishPart(await PARTS[part]());
  process.exit(0);
}
