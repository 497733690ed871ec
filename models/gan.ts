// gan: generative adversarial networks. On a ring of 8 Gaussians an MLP generator must spread its
// samples over every mode, where a plain game collapses onto a few; the report plots its samples
// against the modes. Three stabilisers make the game cover the ring: batch norm in the generator
// (Ioffe and Szegedy 2015, as in the DCGAN generator of Radford et al. 2015 and the 2D experiments of
// PacGAN), a discriminator that judges packs of 2 samples (PacGAN, Lin et al. 2018) with a minibatch
// standard-deviation feature (Karras et al. 2018), and a learning rate decaying to zero over the
// second half so the samples settle within 3 sigma of their modes. A DCGAN (strided and transposed
// convolutions, batch norm, leaky ReLU) then learns Fashion-MNIST images and the report shows a grid
// of its samples.
import * as wg from '../bindings/index.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { adversarialTraining } from './gan-game.js';
import { MinibatchStd, Pack } from './gan-layers.js';
import { modeCentre, modeCoverage, ringSamples, type Ring } from './data/ring.js';
import { scatterSvg } from './figures.js';
import { imageGrid } from './image-grid.js';
import type { EpochRecord, ReportImage, TrainOptions, TrainResult, ZooModel } from './zoo.js';

const { Linear, ReLU, LeakyReLU, Sequential, Conv2d, ConvTranspose2d, BatchNorm1d, BatchNorm2d, Tanh, Flatten } = wg.nn;

const RING: Ring = { modes: 8, radius: 2, sigma: 0.05 };
const NOISE = 16;
const HIDDEN = 128;
const PACK = 2;

/** Generator and discriminator of the ring, saved and loaded together. */
class GanPair extends wg.nn.Module {
  readonly generator: Module;
  readonly discriminator: Module;

  constructor(seed: number) {
    super();
    this.generator = this.addModule('generator', new Sequential(
      new Linear(NOISE, HIDDEN, { seed }), new BatchNorm1d(HIDDEN), new ReLU(),
      new Linear(HIDDEN, HIDDEN, { seed: seed + 2 }), new BatchNorm1d(HIDDEN), new ReLU(),
      new Linear(HIDDEN, HIDDEN, { seed: seed + 4 }), new BatchNorm1d(HIDDEN), new ReLU(),
      new Linear(HIDDEN, 2, { seed: seed + 6 })));
    const d = seed + 10;
    this.discriminator = this.addModule('discriminator', new Sequential(
      new Pack(PACK), new Linear(2 * PACK, HIDDEN, { seed: d }), new ReLU(), new Linear(HIDDEN, HIDDEN, { seed: d + 2 }), new ReLU(),
      new MinibatchStd(), new Linear(HIDDEN + 1, HIDDEN, { seed: d + 4 }), new ReLU(), new Linear(HIDDEN, 1, { seed: d + 6 })));
  }

  /** Samples of the generator for noise z (n, NOISE). */
  forward(z: Tensor): Tensor {
    return this.generator.forward(z);
  }
}

/** Seeds for per-step noise that never meet those of another run seed or step. */
const noiseSeed = (seed: number, step: number, purpose: number) => seed * 1_000_003 + 4 * step + purpose;

function sampleRing(pair: Module, count: number, seed: number): Float32Array {
  // Batch norm's running statistics, so a sample does not depend on the others drawn with it.
  pair.eval();
  return wg.scope(() => wg.noGrad(() => pair.forward(wg.randn([count, NOISE], { seed })).toArray())) as Float32Array;
}

const EVAL_SAMPLES = 2000;
const evalSeed = (seed: number) => noiseSeed(seed, 0, 3) + 7;

interface RingOutcome {
  pair: GanPair;
  history: EpochRecord[];
  covered: number;
  highQuality: number;
  scatter: string;
}

function trainRing(full: boolean, seed: number, opts: TrainOptions): RingOutcome {
  const pair = new GanPair(seed);
  const batch = opts.batch ?? 256;
  const epochs = opts.epochs ?? (full ? 30 : 4);
  const history = adversarialTraining({
    phase: '8 Gaussians', generator: pair.generator, discriminator: pair.discriminator, owner: pair,
    epochs, stepsPerEpoch: 100, batch, lr: opts.lr ?? 1e-3, decayAfter: 0.5,
    noise: (step, purpose) => wg.randn([batch, NOISE], { seed: noiseSeed(seed, step, purpose) }),
    real: (step) => wg.tensor(ringSamples(RING, batch, new wg.SeededRandom(seed, step)), [batch, 2]),
    evaluate: () => {
      const c = modeCoverage(RING, sampleRing(pair, EVAL_SAMPLES, evalSeed(seed)));
      return { modesCovered: c.covered, highQuality: c.highQuality };
    },
    onProgress: opts.onProgress,
  });
  const samples = sampleRing(pair, EVAL_SAMPLES, evalSeed(seed));
  const { covered, highQuality } = modeCoverage(RING, samples);
  const circles = Array.from({ length: RING.modes }, (_, k) => {
    const [x, y] = modeCentre(RING, k);
    return { x, y, r: 3 * RING.sigma };
  });
  return { pair, history, covered, highQuality, scatter: scatterSvg(samples.subarray(0, 2 * 1000), circles, RING.radius + 1) };
}

const LATENT = 32;

function dcganGenerator(seed: number): Module {
  return new Sequential(
    new ConvTranspose2d(LATENT, 64, 7, { seed, bias: false }), new BatchNorm2d(64), new ReLU(), // 7x7
    new ConvTranspose2d(64, 32, 4, { stride: 2, padding: 1, seed: seed + 2, bias: false }), new BatchNorm2d(32), new ReLU(), // 14x14
    new ConvTranspose2d(32, 1, 4, { stride: 2, padding: 1, seed: seed + 4 }), new Tanh()); // 28x28
}

function dcganDiscriminator(seed: number): Module {
  return new Sequential(
    new Conv2d(1, 32, 4, { stride: 2, padding: 1, seed }), new LeakyReLU(0.2), // 14x14
    new Conv2d(32, 64, 4, { stride: 2, padding: 1, seed: seed + 2, bias: false }), new BatchNorm2d(64), new LeakyReLU(0.2), // 7x7
    new Conv2d(64, 1, 7, { seed: seed + 4 }), new Flatten());
}

/** Mean absolute difference between the average of `a` and of `b`, both (n, 784) in [0, 1]. */
function meanImageGap(a: Float32Array, b: Float32Array): number {
  const side = 784;
  const na = a.length / side;
  const nb = b.length / side;
  let gap = 0;
  for (let p = 0; p < side; p++) {
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < na; i++) sa += a[i * side + p];
    for (let i = 0; i < nb; i++) sb += b[i * side + p];
    gap += Math.abs(sa / na - sb / nb);
  }
  return gap / side;
}

interface DcganOutcome {
  history: EpochRecord[];
  gapBefore: number;
  gapAfter: number;
  grid: ReportImage;
  images: number;
  steps: number;
}

/** `count` generated (side, side) images in a grid `columns` wide, for the report. */
function sampleGrid(images: Float32Array, count: number, side: number, columns: number, steps: number): ReportImage {
  const tile = (n: number) => images.subarray(n * side * side, (n + 1) * side * side);
  const rows = Array.from({ length: Math.ceil(count / columns) }, (_, r) =>
    Array.from({ length: Math.min(columns, count - r * columns) }, (_, c) => tile(r * columns + c)));
  return imageGrid(`DCGAN: ${count} samples after ${steps} steps`, rows, side);
}

async function trainDcgan(full: boolean, seed: number, opts: TrainOptions): Promise<DcganOutcome> {
  const data = await wg.loadFashionMnist(opts.data && opts.data !== 'fashion-mnist' ? { dir: opts.data } : {});
  const count = full ? 6000 : 512;
  const images = data.train.images.subarray(0, count * 784);
  const batch = full ? 32 : 16;
  const G = dcganGenerator(seed + 20);
  const D = dcganDiscriminator(seed + 30);
  const gridNoise = noiseSeed(seed, 0, 3) + 11;
  // Generated pixels are in [-1, 1] (tanh); the report and the gap compare them in [0, 1].
  const sample = (n: number) => wg.scope(() => wg.noGrad(() => {
    G.eval();
    return wg.affine(G.forward(wg.randn([n, LATENT, 1, 1], { seed: gridNoise })), 0.5, 0.5).toArray();
  })) as Float32Array;
  const reference = images.subarray(0, 256 * 784);
  const gapBefore = meanImageGap(sample(64), reference);
  // The quick budget only proves the pipeline: a few steps, for the grid.
  const [epochs, stepsPerEpoch] = full ? [4, 50] : [1, 3];
  const history = adversarialTraining({
    phase: 'DCGAN', generator: G, discriminator: D, epochs, stepsPerEpoch, batch, lr: 2e-4,
    noise: (step, purpose) => wg.randn([batch, LATENT, 1, 1], { seed: noiseSeed(seed + 1, step, purpose) }),
    real: (step) => {
      const rng = new wg.SeededRandom(seed + 1, step);
      const x = new Float32Array(batch * 784);
      for (let b = 0; b < batch; b++) {
        const row = rng.below(count);
        for (let p = 0; p < 784; p++) x[b * 784 + p] = 2 * images[row * 784 + p] - 1;
      }
      return wg.tensor(x, [batch, 1, 28, 28]);
    },
    onProgress: opts.onProgress,
  });
  const samples = sample(64);
  const gapAfter = meanImageGap(samples, reference);
  G.dispose();
  D.dispose();
  return { history, gapBefore, gapAfter, grid: sampleGrid(samples, 64, 28, 8, epochs * stepsPerEpoch), images: count, steps: epochs * stepsPerEpoch };
}

async function trainGan(opts: TrainOptions): Promise<TrainResult> {
  const full = opts.budget !== 'quick';
  const seed = opts.seed ?? 1;
  const ring = trainRing(full, seed, opts);
  opts.log?.(`8 Gaussians: ${ring.covered}/8 modes covered, ${(100 * ring.highQuality).toFixed(1)}% within 3 sigma`);
  const dcgan = await trainDcgan(full, seed, opts);
  const dcganLast = dcgan.history[dcgan.history.length - 1];
  opts.log?.(`DCGAN: mean-image gap ${dcgan.gapBefore.toFixed(3)} -> ${dcgan.gapAfter.toFixed(3)}`);
  const [minModes, minQuality] = full ? [7, 0.7] : [6, 0.25];
  return {
    model: ring.pair, history: ring.history,
    dataset: `ring of ${RING.modes} Gaussians (radius ${RING.radius}, sigma ${RING.sigma}, seed ${seed}); DCGAN on ${dcgan.images} Fashion-MNIST images`,
    metrics: {
      modesCovered: ring.covered, highQuality: ring.highQuality,
      dcganDiscriminatorLoss: dcganLast.loss, dcganGeneratorLoss: dcganLast.generatorLoss,
      dcganMeanImageGapBefore: dcgan.gapBefore, dcganMeanImageGapAfter: dcgan.gapAfter,
    },
    criterion: {
      description: `>= ${minModes} of 8 modes covered (>= 2% of ${EVAL_SAMPLES} samples within 3 sigma) and >= ${100 * minQuality}% of samples within 3 sigma of a mode`,
      measured: `${ring.covered}/8 modes covered, ${(100 * ring.highQuality).toFixed(1)}% of samples within 3 sigma`,
      met: ring.covered >= minModes && ring.highQuality >= minQuality,
    },
    images: [
      { title: '8 Gaussians: 1000 generated samples (blue) and the 3-sigma disc of each mode (red)', svg: ring.scatter },
      dcgan.grid,
    ],
  };
}

export const gan: ZooModel = {
  name: 'gan',
  summary: 'GAN on a ring of 8 Gaussians (mode coverage); DCGAN samples of Fashion-MNIST',
  train: trainGan,
  build: (seed = 1) => new GanPair(seed),
  async evaluate(model, opts = {}) {
    const c = modeCoverage(RING, sampleRing(model, EVAL_SAMPLES, evalSeed(opts.seed ?? 1)));
    return { modesCovered: c.covered, highQuality: c.highQuality };
  },
};
