// The 28x28 grey images the vision models train on: Fashion-MNIST when it is installed (or named
// with --data DIR), else generated glyphs, with a note saying which and why.
import * as wg from '../../bindings/index.js';
import type { LabelledImages } from '../../bindings/data/loader.js';
import { glyphs } from './glyphs.js';
import type { TrainOptions } from '../zoo.js';

export interface ImageData {
  train: LabelledImages;
  test: LabelledImages;
  source: 'fashion-mnist' | 'glyphs';
  /** For the report, e.g. "Fashion-MNIST, 60000 training and 10000 test images". */
  name: string;
  /** Why the glyphs stand in, when they do. */
  note?: string;
}

/** The first `n` images of a set, without copying. */
export function firstImages(set: LabelledImages, n: number): LabelledImages {
  const [count, c, h, w] = set.shape;
  const take = Math.min(n, count);
  return { images: set.images.subarray(0, take * c * h * w), labels: set.labels.subarray(0, take), shape: [take, c, h, w] };
}

/**
 * At most `trainCount` training and `testCount` test images. `opts.data` picks the source:
 * 'glyphs', 'fashion-mnist' (an error when missing), a directory of Fashion-MNIST files, or
 * nothing (Fashion-MNIST when installed, else glyphs).
 */
export async function loadImages(opts: TrainOptions, trainCount: number, testCount: number): Promise<ImageData> {
  const seed = opts.seed ?? 1;
  const generated = (note?: string): ImageData => {
    const train = glyphs(trainCount, seed);
    const test = glyphs(testCount, seed + 1_000_003);
    return { train, test, source: 'glyphs', name: `generated glyphs (seed ${seed}), ${trainCount} training and ${testCount} test images`, note };
  };
  if (opts.data === 'glyphs') return generated();
  let data: wg.FashionMnist;
  try {
    data = await wg.loadFashionMnist(opts.data && opts.data !== 'fashion-mnist' ? { dir: opts.data } : {});
  } catch (e) {
    if (opts.data !== undefined) throw e;
    return generated(`Fashion-MNIST is not installed (${(e as Error).message.split(';')[0]}); trained on generated glyphs instead`);
  }
  const train = firstImages(data.train, trainCount);
  const test = firstImages(data.test, testCount);
  return { train, test, source: 'fashion-mnist', name: `Fashion-MNIST, ${train.shape[0]} training and ${test.shape[0]} test images` };
}

/** How many training and test images a model uses at each budget. */
export interface ImageBudget {
  full: { train: number; test: number };
  quick: { train: number; test: number };
}

export const budgetSizes = (budget: ImageBudget, opts: TrainOptions) => (opts.budget === 'quick' ? budget.quick : budget.full);

/** The images a model trains on at the budget `opts` asks for; says why glyphs stand in when they do. */
export async function budgetImages(opts: TrainOptions, budget: ImageBudget): Promise<{ full: boolean; seed: number; data: ImageData }> {
  const n = budgetSizes(budget, opts);
  const data = await loadImages(opts, n.train, n.test);
  if (data.note) opts.log?.(data.note);
  return { full: opts.budget !== 'quick', seed: opts.seed ?? 1, data };
}
