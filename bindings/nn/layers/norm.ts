// Normalisation layers, composed from primitive ops so their gradients come for free.
import { Module } from '../module.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { ones, zeros } from '../../creation.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { rsqrt } from '../../ops/unary.js';
import { layerNorm, standardize } from '../../ops/normalization.js';
import { reshape } from '../../ops/views.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { engine } from '../../runtime/engine.js';
import type { Tensor } from '../../tensor.js';


/** Normalises over the last dims (`normalizedShape`), then scales and shifts per element. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | number[], readonly eps = 1e-5, elementwiseAffine = true) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ArgumentError(`LayerNorm: normalizedShape must be whole numbers >= 1, got ${formatShape(this.normalizedShape)}`);
    }
    this.weight = elementwiseAffine ? this.addParameter('weight', ones(this.normalizedShape)) : null;
    this.bias = elementwiseAffine ? this.addParameter('bias', zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L): batch statistics in training, which also update
 * the running ones (unbiased variance, as PyTorch), and the running ones in eval.
 */
export class BatchNorm1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(readonly numFeatures: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ArgumentError(`BatchNorm1d: numFeatures must be a whole number >= 1, got ${numFeatures}`);
    }
    this.weight = this.addParameter('weight', ones([numFeatures]));
    this.bias = this.addParameter('bias', zeros([numFeatures]));
    this.runningMean = this.addBuffer('runningMean', zeros([numFeatures]));
    this.runningVar = this.addBuffer('runningVar', ones([numFeatures]));
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`BatchNorm1d: expected (N, ${this.numFeatures}) or (N, ${this.numFeatures}, L), got ${formatShape(x.shape)}`);
    }
    const dims = x.ndim === 2 ? [0] : [0, 2];
    const perChannel = x.ndim === 2 ? [1, this.numFeatures] : [1, this.numFeatures, 1];
    const w = reshape(this.weight, perChannel);
    const b = reshape(this.bias, perChannel);
    if (!this.training) {
      const y = noGrad(() => {
        const m = reshape(this.runningMean, perChannel);
        const v = reshape(this.runningVar, perChannel);
        return mul(sub(x, m), rsqrt(add(v, this.eps)));
      });
      return add(mul(y, w), b);
    }
    const count = x.size / this.numFeatures;
    if (count < 2) throw new ShapeError(`BatchNorm1d: training needs more than one value per channel, got ${formatShape(x.shape)}`);
    const { y, mean: mu, variance } = standardize(x, dims, this.eps);
    noGrad(() => this.updateRunning(mu, variance, count));
    return add(mul(y, w), b);
  }

  private updateRunning(mu: Tensor, variance: Tensor, count: number): void {
    const m = this.momentum;
    const heap = engine().heap;
    const muv = mu.toArray();
    const varv = variance.toArray();
    const rm = this.runningMean.ptr() >> 2;
    const rv = this.runningVar.ptr() >> 2;
    for (let c = 0; c < this.numFeatures; c++) {
      heap.f32[rm + c] = (1 - m) * heap.f32[rm + c] + m * muv[c];
      heap.f32[rv + c] = (1 - m) * heap.f32[rv + c] + m * varv[c] * (count / (count - 1));
    }
  }
}
