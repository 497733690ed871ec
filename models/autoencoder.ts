// autoencoder: a denoising autoencoder (Vincent et al. 2008). Images with Gaussian noise go in,
// the clean images are the target; a 64-wide bottleneck forces the net to keep what the images
// have in common (the shapes of the classes) and drop what they do not (the noise).
import * as wg from '../bindings/index.js';
import type { LabelledImages } from '../bindings/data/loader.js';
import type { Module } from '../bindings/nn/module.js';
import { loadImages, budgetImages, budgetSizes, type ImageBudget } from './data/images.js';
import { fit, type Batch } from './fit.js';
import { imageGrid } from './image-grid.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

const { Linear, ReLU, Sigmoid, Sequential } = wg.nn;

const PIXELS = 28 * 28;
export const NOISE_STD = 0.3;
const BOTTLENECK = 64;

/** (N, 784) noisy pixels to (N, 784) clean ones in (0, 1). */
function denoiser(seed: number): Module {
  return new Sequential(
    new Linear(PIXELS, 256, { seed }), new ReLU(), new Linear(256, BOTTLENECK, { seed: seed + 2 }), new ReLU(),
    new Linear(BOTTLENECK, 256, { seed: seed + 4 }), new ReLU(), new Linear(256, PIXELS, { seed: seed + 6 }), new Sigmoid(),
  );
}

/** The pixels with N(0, NOISE_STD^2) noise added, clipped to [0, 1]. */
const corrupt = (clean: Float32Array, rng: wg.SeededRandom): Float32Array => clean.map((v) => Math.max(0, Math.min(1, v + NOISE_STD * rng.normal())));

/** Batches of (noisy, clean) image rows in a seeded order, with fresh noise every epoch. */
function* denoisingBatches(images: Float32Array, count: number, batch: number, seed: number, epoch: number): Generator<Batch> {
  const order = new wg.SeededRandom(seed, 2 * epoch).shuffle(Int32Array.from({ length: count }, (_, i) => i));
  const rng = new wg.SeededRandom(seed, 2 * epoch + 1);
  for (let start = 0; start + batch <= count; start += batch) {
    const clean = new Float32Array(batch * PIXELS);
    for (let b = 0; b < batch; b++) clean.set(images.subarray(order[start + b] * PIXELS, (order[start + b] + 1) * PIXELS), b * PIXELS);
    yield { x: wg.tensor(corrupt(clean, rng), [batch, PIXELS]), y: wg.tensor(clean, [batch, PIXELS]) };
  }
}

/** Mean squared error of the model's reconstructions of `inputs` against `targets`, and the reconstructions. */
function reconstruct(model: Module, inputs: Float32Array, targets: Float32Array, chunk = 1000): { mse: number; outputs: Float32Array } {
  const outputs = new Float32Array(inputs.length);
  for (let start = 0; start < inputs.length; start += chunk * PIXELS) {
    const end = Math.min(inputs.length, start + chunk * PIXELS);
    outputs.set(wg.scope(() => wg.noGrad(() => model.forward(wg.tensor(inputs.subarray(start, end), [(end - start) / PIXELS, PIXELS])).toArray() as Float32Array)), start);
  }
  return { mse: squaredError(outputs, targets), outputs };
}

function squaredError(a: Float32Array, b: Float32Array): number {
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i] - b[i]) ** 2;
  return squared / a.length;
}

/** The MSE of answering every image with the mean training image: what a net that ignores its input could reach. */
function meanImageMse(train: LabelledImages, test: LabelledImages): number {
  const mean = new Float64Array(PIXELS);
  const count = train.labels.length;
  for (let i = 0; i < count * PIXELS; i++) mean[i % PIXELS] += train.images[i] / count;
  let squared = 0;
  for (let i = 0; i < test.images.length; i++) squared += (test.images[i] - mean[i % PIXELS]) ** 2;
  return squared / test.images.length;
}

/** The noise of the test inputs comes from a stream no training epoch uses. */
const TEST_NOISE_STREAM = 0xffffffff;
const SIZES: ImageBudget = { full: { train: 60000, test: 10000 }, quick: { train: 2048, test: 500 } };

async function train(opts: TrainOptions = {}): Promise<TrainResult> {
  const { full, seed, data } = await budgetImages(opts, SIZES);
  const count = data.train.labels.length;
  const testInputs = corrupt(data.test.images, new wg.SeededRandom(seed, TEST_NOISE_STREAM));
  const baseline = meanImageMse(data.train, data.test);
  const model = denoiser(seed);
  const batch = opts.batch ?? (full ? 128 : 64);
  const optimizer = new wg.optim.Adam(model.parameters(), { lr: opts.lr ?? 2e-3 });
  const history = fit({
    phase: 'autoencoder', model, optimizer, epochs: opts.epochs ?? (full ? 10 : 3),
    stepsPerEpoch: Math.floor(count / batch), samplesPerStep: batch,
    batches: (epoch) => denoisingBatches(data.train.images, count, batch, seed, epoch),
    loss: (x, y) => wg.mseLoss(model.forward(x), y),
    evaluate: () => ({ testMse: reconstruct(model, testInputs, data.test.images).mse }),
    onProgress: opts.onProgress,
  });
  optimizer.dispose();
  const { mse, outputs } = reconstruct(model, testInputs, data.test.images);
  const ratio = mse / baseline;
  const inputMse = squaredError(testInputs, data.test.images);
  const target = full ? 0.5 : 0.6;
  const columns = Array.from({ length: 10 }, (_, i) => i);
  const tiles = (values: Float32Array) => columns.map((i) => values.subarray(i * PIXELS, (i + 1) * PIXELS));
  return {
    model, history,
    dataset: data.note ? `${data.name} (${data.note})` : data.name,
    metrics: { testMse: mse, meanImageMse: baseline, ratio, noisyInputMse: inputMse },
    criterion: {
      description: `reconstruction MSE of noisy test images (noise std ${NOISE_STD}) against the clean ones <= ${target} x the mean-image baseline's MSE, and below the noisy input's own MSE`,
      measured: `MSE ${mse.toFixed(4)} vs mean-image baseline ${baseline.toFixed(4)} (ratio ${ratio.toFixed(3)}); noisy input ${inputMse.toFixed(4)}`,
      met: ratio <= target && mse < inputMse,
    },
    images: [imageGrid('Reconstructions', [tiles(data.test.images), tiles(testInputs), tiles(outputs)], 28,
      'Rows: the first 10 test images, with noise (the input), and the reconstruction.')],
  };
}

export const autoencoder: ZooModel = {
  name: 'autoencoder',
  summary: 'denoising MLP autoencoder (784-256-64-256-784) on Fashion-MNIST or glyphs',
  train,
  build: (seed = 1) => denoiser(seed),
  async evaluate(model, opts = {}) {
    model.eval();
    const { test } = await loadImages(opts, 0, budgetSizes(SIZES, opts).test);
    return { testMse: reconstruct(model, corrupt(test.images, new wg.SeededRandom(opts.seed ?? 1, TEST_NOISE_STREAM)), test.images).mse };
  },
};
