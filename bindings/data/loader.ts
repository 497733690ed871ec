// Mini-batches for training: a seeded shuffle per epoch and seeded augmentations, so a run can
// be repeated exactly, in any runtime.
import { tensor } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { SeededRandom } from './seeded-random.js';
import { defineOptions } from '../options.js';

/** Images and their labels, e.g. one split of loadFashionMnist. */
export interface LabelledImages {
  /** Row-major [N, C, H, W]. */
  images: Float32Array;
  /** [N] */
  labels: Int32Array;
  /** [N, C, H, W] */
  shape: readonly number[];
}

/** Applied per sample in this order: crop, then flip, then noise. */
export interface Augmentations {
  /** Pads each side with `padding` zero pixels, then crops H x W back out at a random offset. */
  crop?: { padding: number };
  /** Mirrors the sample left to right with probability `p` (default 0.5). */
  flip?: boolean | { p: number };
  /** Adds normal noise of standard deviation `std` to every value. */
  noise?: { std: number };
}

export interface DataLoaderOptions {
  batchSize: number;
  /** Shuffle the samples each epoch (default true); the order depends only on seed and epoch. */
  shuffle?: boolean;
  /** A whole number from 0 to 2^53 - 1 (default 0). */
  seed?: number;
  /** Leave out the last batch when it would be smaller than batchSize (default false). */
  dropLast?: boolean;
  augment?: Augmentations;
}

/** One mini-batch. The caller owns both tensors and disposes them when done. */
export interface Batch {
  /** [B, C, H, W] float32 */
  x: Tensor;
  /** [B] int32 */
  y: Tensor;
}

const AUGMENT = defineOptions<Augmentations>('DataLoader augment', {
  crop: defineOptions<{ padding: number }>('DataLoader augment.crop', { padding: 'number' }, ['padding']),
  flip: 'boolean|object',
  noise: defineOptions<{ std: number }>('DataLoader augment.noise', { std: 'number' }, ['std']),
});
const FLIP = defineOptions<{ p: number }>('DataLoader augment.flip', { p: 'number' }, ['p']);
const DATA_LOADER = defineOptions<DataLoaderOptions>('DataLoader', {
  batchSize: 'number', shuffle: 'boolean', seed: 'number', dropLast: 'boolean', augment: AUGMENT,
}, ['batchSize']);

function checkCount(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ArgumentError(`DataLoader: ${what} must be a whole number >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkAugmentations(augment: Augmentations): { padding: number; flipP: number; std: number } {
  const padding = augment.crop === undefined ? 0 : checkCount('crop.padding', augment.crop.padding, 0);
  const flipP = augment.flip === undefined || augment.flip === false ? 0 : augment.flip === true ? 0.5 : FLIP.parse(augment.flip).p;
  if (typeof flipP !== 'number' || !(flipP >= 0 && flipP <= 1)) throw new ArgumentError(`DataLoader: flip.p must be in [0, 1], got ${String(flipP)}`);
  const std = augment.noise === undefined ? 0 : augment.noise.std;
  if (typeof std !== 'number' || !Number.isFinite(std) || std < 0) throw new ArgumentError(`DataLoader: noise.std must be a finite number >= 0, got ${String(std)}`);
  return { padding, flipP, std };
}

/**
 * Iterates over mini-batches. Iterating the loader itself runs epoch 0, then 1, and so on;
 * `epoch(e)` runs a given epoch. Epoch e draws its order from stream 2e and its augmentations
 * from stream 2e + 1 of the seed, so turning an augmentation on does not change the order.
 */
export class DataLoader implements Iterable<Batch> {
  readonly count: number;
  readonly sampleShape: readonly [number, number, number];
  readonly batchSize: number;
  private readonly images: Float32Array;
  private readonly labels: Int32Array;
  private readonly shuffled: boolean;
  private readonly seed: number;
  private readonly dropLast: boolean;
  private readonly augmentation: { padding: number; flipP: number; std: number };
  private nextEpoch = 0;

  constructor(data: LabelledImages, options: DataLoaderOptions) {
    const opts = DATA_LOADER.parse(options);
    const { images, labels, shape } = data;
    if (!(images instanceof Float32Array)) throw new ArgumentError('DataLoader: images must be a Float32Array');
    if (!(labels instanceof Int32Array)) throw new ArgumentError('DataLoader: labels must be an Int32Array');
    if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ShapeError(`DataLoader: shape must be [N, C, H, W] of whole numbers, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
    }
    const [n, c, h, w] = shape;
    if (images.length !== n * c * h * w) throw new ShapeError(`DataLoader: ${images.length} image values do not fill shape ${formatShape(shape)}`);
    if (labels.length !== n) throw new ShapeError(`DataLoader: ${labels.length} labels for ${n} images`);
    this.images = images;
    this.labels = labels;
    this.count = n;
    this.sampleShape = [c, h, w];
    this.batchSize = checkCount('batchSize', opts.batchSize, 1);
    this.shuffled = opts.shuffle ?? true;
    this.seed = checkCount('seed', opts.seed ?? 0, 0);
    this.dropLast = opts.dropLast ?? false;
    this.augmentation = checkAugmentations(opts.augment ?? {});
  }

  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.count / this.batchSize) : Math.ceil(this.count / this.batchSize);
  }

  /** The sample indices of epoch `epoch`, in the order its batches use them. */
  order(epoch: number): Int32Array {
    checkCount('epoch', epoch, 0);
    const indices = Int32Array.from({ length: this.count }, (_, i) => i);
    return this.shuffled ? new SeededRandom(this.seed, 2 * epoch).shuffle(indices) : indices;
  }

  *epoch(epoch: number): Generator<Batch> {
    const order = this.order(epoch);
    const random = new SeededRandom(this.seed, 2 * epoch + 1);
    const [c, h, w] = this.sampleShape;
    const sampleSize = c * h * w;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const members = order.subarray(b * this.batchSize, Math.min(this.count, (b + 1) * this.batchSize));
      const x = new Float32Array(members.length * sampleSize);
      const y = new Int32Array(members.length);
      members.forEach((sample, i) => {
        this.augmentInto(x.subarray(i * sampleSize, (i + 1) * sampleSize), sample, random);
        y[i] = this.labels[sample];
      });
      yield { x: tensor(x, [members.length, c, h, w], 'float32'), y: tensor(y, [members.length], 'int32') };
    }
  }

  [Symbol.iterator](): Iterator<Batch> {
    return this.epoch(this.nextEpoch++);
  }

  /** Writes sample `sample`, augmented, into `out` ([C, H, W]). */
  private augmentInto(out: Float32Array, sample: number, random: SeededRandom): void {
    const [c, h, w] = this.sampleShape;
    const { padding, flipP, std } = this.augmentation;
    // Draws happen only for enabled augmentations, in a fixed order, so each sample's draws are reproducible.
    const dy = padding > 0 ? random.below(2 * padding + 1) - padding : 0;
    const dx = padding > 0 ? random.below(2 * padding + 1) - padding : 0;
    const flip = flipP > 0 && random.uniform() < flipP;
    const src = this.images.subarray(sample * out.length, (sample + 1) * out.length);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const sy = y + dy;
        for (let x = 0; x < w; x++) {
          const sx = (flip ? w - 1 - x : x) + dx;
          out[(ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(ch * h + sy) * w + sx] : 0;
        }
      }
    }
    if (std > 0) for (let i = 0; i < out.length; i++) out[i] += std * random.normal();
  }
}
