// Fashion-MNIST (Zalando): 70,000 28x28 grey images of clothing in 10 classes, read from the
// gzipped IDX files that Debian's `dataset-fashion-mnist` package installs, or from bytes.
import { ArgumentError, FormatError, formatShape } from '../errors.js';
import { readFileBytes } from '../io/files.js';
import { readIdx } from './idx.js';
import { defineOptions } from '../options.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export type FashionMnistFile = keyof typeof FILES;

/** One split: `count` images of shape [1, 28, 28], pixels scaled to [0, 1], labels 0..9. */
export interface ImageSet {
  /** Row-major [count, 1, 28, 28]. */
  images: Float32Array;
  labels: Int32Array;
  /** [count, 1, 28, 28] */
  shape: [number, number, number, number];
  count: number;
}

export interface FashionMnist {
  train: ImageSet;
  test: ImageSet;
  classNames: readonly string[];
}

export interface FashionMnistOptions {
  /** Directory holding the four .gz files (default /usr/share/datasets/fashion-mnist). Node and Deno only. */
  dir?: string;
  /** The four files' contents, gzipped or not; takes the place of `dir` (and works in browsers). */
  bytes?: Record<FashionMnistFile, Uint8Array>;
}

const SIDE = 28;

async function fileContents(opts: FashionMnistOptions, file: FashionMnistFile): Promise<Uint8Array> {
  if (opts.bytes !== undefined) {
    const bytes = opts.bytes[file];
    if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`loadFashionMnist: bytes.${file} must be a Uint8Array, got ${String(bytes)}`);
    return bytes;
  }
  const dir = opts.dir ?? FASHION_MNIST_DIR;
  const hint = `; install the dataset into ${FASHION_MNIST_DIR} with \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or pass { dir } or { bytes }`;
  return readFileBytes('loadFashionMnist', `${dir.replace(/\/$/, '')}/${FILES[file]}`, hint);
}

async function readSplit(opts: FashionMnistOptions, images: FashionMnistFile, labels: FashionMnistFile): Promise<ImageSet> {
  const [pixels, classes] = await Promise.all([
    fileContents(opts, images).then((b) => readIdx(b, FILES[images])),
    fileContents(opts, labels).then((b) => readIdx(b, FILES[labels])),
  ]);
  const count = pixels.shape[0];
  if (pixels.dtype !== 'uint8' || pixels.shape.length !== 3 || pixels.shape[1] !== SIDE || pixels.shape[2] !== SIDE) {
    throw new FormatError(`loadFashionMnist: ${FILES[images]} holds ${pixels.dtype} of shape ${formatShape(pixels.shape)}; expected uint8 of shape [N, 28, 28]`);
  }
  if (classes.dtype !== 'uint8' || classes.shape.length !== 1 || classes.shape[0] !== count) {
    throw new FormatError(`loadFashionMnist: ${FILES[labels]} holds ${classes.dtype} of shape ${formatShape(classes.shape)}; expected uint8 of shape [${count}] to match the images`);
  }
  const labelValues = Int32Array.from(classes.data);
  const bad = labelValues.findIndex((c) => c >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new FormatError(`loadFashionMnist: ${FILES[labels]} has label ${labelValues[bad]} at index ${bad}; classes are 0..9`);
  const scaled = new Float32Array(pixels.data.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = pixels.data[i] / 255;
  return { images: scaled, labels: labelValues, shape: [count, 1, SIDE, SIDE], count };
}

/** Loads both splits (60,000 training and 10,000 test images in the real dataset). */
const FASHION_MNIST = defineOptions<FashionMnistOptions>('loadFashionMnist', { dir: 'string', bytes: 'object' });

export async function loadFashionMnist(options?: FashionMnistOptions): Promise<FashionMnist> {
  const opts = FASHION_MNIST.parse(options);
  const [train, test] = await Promise.all([readSplit(opts, 'trainImages', 'trainLabels'), readSplit(opts, 'testImages', 'testLabels')]);
  return { train, test, classNames: FASHION_MNIST_CLASSES };
}
