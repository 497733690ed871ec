// adversarial: the fast gradient sign method (Goodfellow et al. 2015) and adversarial training.
// A convnet's loss is nearly linear in its input over small steps, so moving every pixel by eps
// in the direction of the sign of the loss's input gradient raises the loss as much as any
// change of that size can, to first order: a change too faint to see breaks the classifier.
// Training on such examples alongside clean ones teaches the net to be flat in those directions.
import * as wg from '../bindings/index.js';
import type { LabelledImages } from '../bindings/data/loader.js';
import type { Module } from '../bindings/nn/module.js';
import type { Tensor } from '../bindings/tensor.js';
import { convNet, IMAGE_SHAPE, trainImageClassifier, augmentationFor } from './convnet.js';
import { loadImages, budgetImages, budgetSizes, type ImageBudget } from './data/images.js';
import { accuracy } from './fit.js';
import { imageGrid } from './image-grid.js';
import type { TrainOptions, TrainResult, ZooModel } from './zoo.js';

export const EPSILON = 0.1;

/**
 * x + eps * sign(d loss / d x), clipped to the pixel range [0, 1]. Runs backward through the
 * model, so it drops the parameters' gradients afterwards: the caller's next step must not see them.
 */
export function fgsm(model: Module, x: Tensor, y: Tensor, eps: number): Tensor {
  return wg.scope(() => {
    const input = x.detach().requiresGrad_();
    wg.crossEntropy(model.forward(input), y).backward();
    const gradient = input.grad!;
    model.zeroGrad();
    const adversarial = wg.noGrad(() => wg.clamp(wg.add(input, wg.mul(wg.sign(gradient), eps)), 0, 1));
    gradient.dispose();
    return adversarial;
  });
}

/** Accuracy on FGSM images made against `model` itself (a white-box attack), in chunks. */
export function accuracyUnderAttack(model: Module, set: LabelledImages, eps: number, chunk = 500): number {
  const size = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2];
  const n = set.labels.length;
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const predicted = wg.scope(() => {
      const x = wg.tensor(set.images.subarray(start * size, (start + count) * size), [count, ...IMAGE_SHAPE]);
      const y = wg.tensor(set.labels.subarray(start, start + count), [count]);
      const adversarial = fgsm(model, x, y, eps);
      return wg.noGrad(() => wg.argmax(model.forward(adversarial), 1).toArray());
    });
    for (let i = 0; i < count; i++) if (predicted[i] === set.labels[start + i]) correct++;
  }
  return correct / n;
}

/** Rows: clean test images, their FGSM versions, and the perturbations (grey = 0, white = +eps, black = -eps). */
function examples(model: Module, set: LabelledImages, eps: number, count: number) {
  const size = IMAGE_SHAPE[1] * IMAGE_SHAPE[2];
  const clean = set.images.subarray(0, count * size);
  const attacked = wg.scope(() => fgsm(
    model, wg.tensor(clean, [count, ...IMAGE_SHAPE]), wg.tensor(set.labels.subarray(0, count), [count]), eps,
  ).toArray() as Float32Array);
  const tile = (values: Float32Array, i: number) => values.subarray(i * size, (i + 1) * size);
  const perturbation = attacked.map((v, i) => 0.5 + (v - clean[i]) / (2 * eps));
  const columns = Array.from({ length: count }, (_, i) => i);
  return imageGrid('FGSM examples', [columns.map((i) => tile(clean, i)), columns.map((i) => tile(attacked, i)), columns.map((i) => tile(perturbation, i))],
    IMAGE_SHAPE[1], `Rows: the first ${count} test images, their FGSM versions at eps = ${eps} against the standard model, and the perturbation (grey 0, white +eps, black -eps).`);
}

const SIZES: ImageBudget = { full: { train: 20000, test: 2000 }, quick: { train: 1024, test: 400 } };

async function train(opts: TrainOptions = {}): Promise<TrainResult> {
  const { full, seed, data } = await budgetImages(opts, SIZES);
  const base = { batch: opts.batch ?? (full ? 64 : 32), lr: opts.lr ?? 3e-3, seed, augment: augmentationFor(data) };

  const standard = convNet(seed);
  trainImageClassifier('standard training', standard, data.train, data.test, { ...base, epochs: opts.epochs ?? (full ? 3 : 2) }, opts);
  const clean = accuracy(standard, data.test.images, data.test.labels, IMAGE_SHAPE);
  const attacked = accuracyUnderAttack(standard, data.test, EPSILON);
  opts.log?.(`standard model: clean accuracy ${clean.toFixed(3)}, under FGSM ${attacked.toFixed(3)}`);
  const images = [examples(standard, data.test, EPSILON, 10)];

  // Fine-tunes the standard model: half of each step's loss on clean images, half on FGSM
  // images made against the current weights.
  const robust = convNet(seed);
  robust.loadStateDict(standard.stateDict());
  standard.dispose();
  const history = trainImageClassifier('adversarial training', robust, data.train, data.test, {
    ...base,
    epochs: opts.epochs ?? 2,
    loss: (m, x, y) => {
      const adversarial = fgsm(m, x, y, EPSILON);
      return wg.crossEntropy(m.forward(wg.cat([x, adversarial], 0)), wg.cat([y, y], 0));
    },
    evaluate: (m) => ({ attackedAccuracy: accuracyUnderAttack(m, data.test, EPSILON) }),
  }, opts);
  const robustClean = history[history.length - 1].testAccuracy;
  const robustAttacked = history[history.length - 1].attackedAccuracy;
  // The quick budget's model is barely trained and so less brittle: it is judged relative to its own clean accuracy.
  const maxAttacked = full ? 0.2 : 0.65 * clean;
  const minRobust = full ? 0.6 : attacked + 0.1;
  return {
    model: robust, history, images,
    dataset: data.note ? `${data.name} (${data.note})` : data.name,
    metrics: { cleanAccuracy: clean, attackedAccuracy: attacked, robustCleanAccuracy: robustClean, robustAttackedAccuracy: robustAttacked },
    criterion: {
      description: full
        ? `FGSM at eps = ${EPSILON} cuts a standard convnet's test accuracy to <= ${maxAttacked}; adversarial training restores >= ${minRobust} under the same attack`
        : `FGSM at eps = ${EPSILON} cuts a briefly trained convnet's test accuracy to <= 0.65 x its clean accuracy; adversarial fine-tuning raises accuracy under the attack by >= 0.1`,
      measured: `standard: clean ${clean.toFixed(3)}, attacked ${attacked.toFixed(3)}; adversarially trained: clean ${robustClean.toFixed(3)}, attacked ${robustAttacked.toFixed(3)}`,
      met: attacked <= maxAttacked && robustAttacked >= minRobust,
    },
  };
}

export const adversarial: ZooModel = {
  name: 'adversarial',
  summary: 'FGSM attack on a convnet, then adversarial training that resists it',
  train,
  build: (seed = 1) => convNet(seed),
  async evaluate(model, opts = {}) {
    model.eval();
    const { test } = await loadImages(opts, 0, budgetSizes(SIZES, opts).test);
    return { cleanAccuracy: accuracy(model, test.images, test.labels, IMAGE_SHAPE), attackedAccuracy: accuracyUnderAttack(model, test, EPSILON) };
  },
};
