// ssl: self-supervised joint embedding with VICReg (Bardes, Ponce and LeCun 2022). Two augmented
// views of each unlabelled shape image must embed alike (invariance), each embedding dimension
// must keep a standard deviation of at least 1 over the batch (variance), and dimensions must not
// repeat each other (covariance). A linear probe on the frozen encoder, given 10 labels per class,
// is compared with the same encoder trained from scratch on those labels; and a run without the
// variance term shows the collapse that term prevents.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { SHAPE_CLASSES, SHAPE_SIDE, shapes, type ShapeSet } from './data/shapes.js';
import { accuracy, fit, type Batch } from './fit.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

const { Conv2d, BatchNorm1d, BatchNorm2d, ReLU, Linear, Sequential, Flatten, AdaptiveAvgPool2d } = wg.nn;

const PIXELS = SHAPE_SIDE * SHAPE_SIDE;
const REPRESENTATION = 32;
const EMBEDDING = 128;
const CLASSES = SHAPE_CLASSES.length;

/** A small strided CNN: 28x28 -> 14 -> 7 -> 4, pooled to a REPRESENTATION-vector. */
function encoder(seed: number): Module {
  return new Sequential(
    new Conv2d(1, 8, 3, { stride: 2, padding: 1, seed }), new BatchNorm2d(8), new ReLU(),
    new Conv2d(8, 16, 3, { stride: 2, padding: 1, seed: seed + 2 }), new BatchNorm2d(16), new ReLU(),
    new Conv2d(16, REPRESENTATION, 3, { stride: 2, padding: 1, seed: seed + 4 }), new ReLU(),
    new AdaptiveAvgPool2d(1), new Flatten());
}

/** The encoder, and the projector whose output (the embedding) the VICReg loss sees. */
class JointEmbedding extends wg.nn.Module {
  readonly encoder: Module;
  readonly projector: Module;

  constructor(seed: number) {
    super();
    this.encoder = this.addModule('encoder', encoder(seed));
    this.projector = this.addModule('projector', new Sequential(
      new Linear(REPRESENTATION, EMBEDDING, { seed: seed + 10 }), new BatchNorm1d(EMBEDDING), new ReLU(),
      new Linear(EMBEDDING, EMBEDDING, { seed: seed + 12 })));
  }

  forward(x: Tensor): Tensor {
    return this.projector.forward(this.encoder.forward(x));
  }
}

const INVARIANCE_WEIGHT = 25;
const VARIANCE_WEIGHT = 25;
const COVARIANCE_WEIGHT = 1;

/** The VICReg loss of two batches of embeddings (N, D); varianceWeight 0 drops the variance term. */
function vicreg(za: Tensor, zb: Tensor, varianceWeight: number): Tensor {
  let loss = wg.mul(wg.mseLoss(za, zb), INVARIANCE_WEIGHT);
  const [n, d] = za.shape;
  for (const z of [za, zb]) {
    const centred = wg.sub(z, wg.mean(z, 0, true));
    const variance = wg.div(wg.sum(wg.square(centred), 0), n - 1);
    // A hinge on the std (not the variance) keeps pushing while the std is small; eps keeps the
    // sqrt's gradient finite at 0.
    const std = wg.sqrt(wg.add(variance, 1e-4));
    if (varianceWeight > 0) loss = wg.add(loss, wg.mul(wg.mean(wg.relu(wg.affine(std, -1, 1))), varianceWeight));
    const covariance = wg.div(wg.matmul(wg.transpose(centred, 0, 1), centred), n - 1);
    const offDiagonal = wg.sub(wg.sum(wg.square(covariance)), wg.sum(wg.square(variance)));
    loss = wg.add(loss, wg.mul(offDiagonal, COVARIANCE_WEIGHT / d));
  }
  return loss;
}

/** A random view of image `src` (28x28): shifted up to 4 pixels, maybe flipped, rescaled in brightness, noisy. */
function augment(src: Float32Array, dst: Float32Array, rng: wg.SeededRandom): void {
  const side = SHAPE_SIDE;
  const dx = rng.below(9) - 4;
  const dy = rng.below(9) - 4;
  const flipX = rng.below(2) === 1;
  const flipY = rng.below(2) === 1;
  const gain = 0.7 + 0.5 * rng.uniform();
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sx = (flipX ? side - 1 - x : x) - dx;
      const sy = (flipY ? side - 1 - y : y) - dy;
      const inside = sx >= 0 && sx < side && sy >= 0 && sy < side;
      dst[y * side + x] = (inside ? gain * src[sy * side + sx] : 0) + 0.1 * rng.normal();
    }
  }
}

/** Pairs of views of the unlabelled images, in a seeded order: x is one view, y the other. */
function* viewPairs(pool: ShapeSet, batch: number, seed: number, epoch: number): Generator<Batch> {
  const rng = new wg.SeededRandom(seed, epoch);
  const order = rng.shuffle(Int32Array.from({ length: pool.count }, (_, i) => i));
  for (let start = 0; start + batch <= pool.count; start += batch) {
    const a = new Float32Array(batch * PIXELS);
    const b = new Float32Array(batch * PIXELS);
    for (let i = 0; i < batch; i++) {
      const src = pool.images.subarray(order[start + i] * PIXELS, (order[start + i] + 1) * PIXELS);
      augment(src, a.subarray(i * PIXELS, (i + 1) * PIXELS), rng);
      augment(src, b.subarray(i * PIXELS, (i + 1) * PIXELS), rng);
    }
    yield { x: wg.tensor(a, [batch, 1, SHAPE_SIDE, SHAPE_SIDE]), y: wg.tensor(b, [batch, 1, SHAPE_SIDE, SHAPE_SIDE]) };
  }
}

/** Outputs of `net` (eval mode, no graph) for every image of `set`, as (count, width) rows. */
function outputs(net: Module, set: ShapeSet, chunk = 500): Float32Array {
  net.eval();
  const rows: Float32Array[] = [];
  for (let start = 0; start < set.count; start += chunk) {
    const n = Math.min(chunk, set.count - start);
    rows.push(wg.scope(() => wg.noGrad(() => net.forward(
      wg.tensor(set.images.subarray(start * PIXELS, (start + n) * PIXELS), [n, 1, SHAPE_SIDE, SHAPE_SIDE])).toArray())) as Float32Array);
  }
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  rows.reduce((at, r) => (out.set(r, at), at + r.length), 0);
  return out;
}

/** The mean over dimensions of each embedding dimension's std over `set`: near 0 means collapse. */
function embeddingStd(net: Module, set: ShapeSet): number {
  const z = outputs(net, set);
  const n = set.count;
  const d = z.length / n;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) s += z[i * d + j];
    const m = s / n;
    for (let i = 0; i < n; i++) s2 += (z[i * d + j] - m) ** 2;
    total += Math.sqrt(s2 / (n - 1));
  }
  return total / d;
}

/** Full-batch Adam on the few labelled examples; returns test accuracy. */
function trainSupervised(phase: string, net: Module, params: Tensor[], x: Float32Array, labels: Int32Array, shape: number[],
  test: { x: Float32Array; labels: Int32Array }, steps: number, lr: number, opts: TrainOptions): number {
  const optimizer = new wg.optim.Adam(params, { lr });
  fit({
    phase, model: net, optimizer, epochs: steps, stepsPerEpoch: 1, samplesPerStep: labels.length,
    batches: () => [{ x: wg.tensor(x, [labels.length, ...shape]), y: wg.tensor(labels, [labels.length]) }],
    loss: (xb, yb) => wg.crossEntropy(net.forward(xb), yb),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  return accuracy(net, test.x, test.labels, shape);
}

/** Accuracy of a linear classifier trained on the frozen representation of the labelled images. */
function linearProbe(net: JointEmbedding, labelled: ShapeSet, test: ShapeSet, seed: number, opts: TrainOptions): number {
  const head = new Linear(REPRESENTATION, CLASSES, { seed: seed + 40 });
  const acc = trainSupervised('linear probe', head, head.parameters(), outputs(net.encoder, labelled), labelled.labels, [REPRESENTATION],
    { x: outputs(net.encoder, test), labels: test.labels }, 300, 1e-2, opts);
  head.dispose();
  return acc;
}

function pretrain(phase: string, pool: ShapeSet, test: ShapeSet, varianceWeight: number, epochs: number, batch: number, lr: number,
  seed: number, opts: TrainOptions) {
  const net = new JointEmbedding(seed);
  const optimizer = new wg.optim.Adam(net.parameters(), { lr });
  const probeSet = { ...test, count: Math.min(test.count, 500) };
  const history = fit({
    phase, model: net, optimizer, epochs, stepsPerEpoch: Math.floor(pool.count / batch), samplesPerStep: batch,
    batches: (epoch) => viewPairs(pool, batch, seed, epoch),
    loss: (a, b) => vicreg(net.forward(a), net.forward(b), varianceWeight),
    evaluate: () => ({ embeddingStd: embeddingStd(net, probeSet) }),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  return { net, history, std: history[history.length - 1].embeddingStd };
}

const labelledSet = (seed: number) => shapes(10, seed + 2);
const testSet = (seed: number) => shapes(200, seed + 3);

async function trainSsl(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const seed = opts.seed ?? 1;
  const pool = shapes(full ? 300 : 100, seed + 1);
  const labelled = labelledSet(seed);
  const test = testSet(seed);
  const batch = opts.batch ?? 64;
  const epochs = opts.epochs ?? (full ? 10 : 4);
  const lr = opts.lr ?? 2e-3;

  const ssl = pretrain('VICReg', pool, test, VARIANCE_WEIGHT, epochs, batch, lr, seed, opts);
  const probe = linearProbe(ssl.net, labelled, test, seed, opts);
  opts.log?.(`VICReg: linear probe ${probe.toFixed(3)}, embedding std ${ssl.std.toFixed(3)}`);

  const scratch = new Sequential(encoder(seed), new Linear(REPRESENTATION, CLASSES, { seed: seed + 40 }));
  const fromScratch = trainSupervised('from scratch', scratch, scratch.parameters(), labelled.images, labelled.labels, [1, SHAPE_SIDE, SHAPE_SIDE],
    { x: test.images, labels: test.labels }, 100, 1e-3, opts);
  scratch.dispose();
  opts.log?.(`from scratch on ${labelled.count} labels: ${fromScratch.toFixed(3)}`);

  const collapsed = pretrain('no variance term', pool, test, 0, full ? epochs : Math.min(epochs, 2), batch, lr, seed, opts);
  collapsed.net.dispose();
  opts.log?.(`without the variance term: embedding std ${collapsed.std.toFixed(4)}`);

  const margin = full ? 0.15 : 0.05;
  const collapseBelow = full ? 0.05 : 0.15;
  // With the variance term the embedding must stay spread (the hinge aims at std 1).
  const met = probe - fromScratch >= margin && collapsed.std < collapseBelow && ssl.std > 0.3;
  return {
    model: ssl.net, history: ssl.history,
    dataset: `generated shapes (${SHAPE_CLASSES.join(', ')}): ${pool.count} unlabelled, ${labelled.count} labelled, ${test.count} test (seed ${seed})`,
    metrics: { probeAccuracy: probe, fromScratchAccuracy: fromScratch, embeddingStd: ssl.std, collapsedEmbeddingStd: collapsed.std },
    criterion: {
      description: `a linear probe on the frozen VICReg encoder (10 labels per class) beats the encoder trained from scratch on those labels by >= ${100 * margin} points; without the variance term the embedding std falls below ${collapseBelow} (with it, above 0.3)`,
      measured: `probe ${(100 * probe).toFixed(1)}% vs from scratch ${(100 * fromScratch).toFixed(1)}%; embedding std ${ssl.std.toFixed(3)} with, ${collapsed.std.toFixed(4)} without the variance term`,
      met,
    },
  };
}

export const ssl: ZooModel = {
  name: 'ssl',
  summary: 'VICReg self-supervised embedding of generated shapes; linear probe vs from scratch; collapse without variance',
  train: trainSsl,
  build: (seed = 1) => new JointEmbedding(seed),
  async evaluate(model, opts = {}) {
    const seed = opts.seed ?? 1;
    return { probeAccuracy: linearProbe(model as JointEmbedding, labelledSet(seed), testSet(seed), seed, {}) };
  },
};
