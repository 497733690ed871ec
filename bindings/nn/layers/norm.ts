// Normalisation layers: LayerNorm over the last dims, and batch normalisation over the channels.
import { Module } from '../module.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { ones, zeros } from '../../creation.js';
import { layerNorm } from '../../ops/normalization.js';
import { batchNorm } from '../../ops/batchnorm.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
}
const LAYER_NORM = defineOptions<LayerNormOptions>('LayerNorm', { eps: 'number', elementwiseAffine: 'boolean' });

interface BatchNormOptions {
  eps?: number;
  momentum?: number;
}
/** Declared per subclass, under its name. */
const batchNormOptions = (layer: string) => defineOptions<BatchNormOptions>(layer, { eps: 'number', momentum: 'number' });

/** Normalises over the last dims (`normalizedShape`), then scales and shifts per element. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  readonly eps: number;

  constructor(normalizedShape: number | number[], ...args: [eps?: number, elementwiseAffine?: boolean] | [LayerNormOptions]) {
    super();
    const { eps = 1e-5, elementwiseAffine = true } = LAYER_NORM.fromArguments(args);
    this.eps = eps;
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
 * Batch normalisation over the channel dim 1, on the fused batchNorm op: batch statistics in
 * training, which also update the running ones (unbiased variance, as PyTorch), and the running
 * ones in eval. The subclasses differ only in the input ranks they accept.
 */
abstract class BatchNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  readonly eps: number;
  readonly momentum: number;

  constructor(readonly numFeatures: number, ...args: [eps?: number, momentum?: number] | [BatchNormOptions]) {
    super();
    const { eps = 1e-5, momentum = 0.1 } = batchNormOptions(new.target.name).fromArguments(args);
    [this.eps, this.momentum] = [eps, momentum];
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new ArgumentError(`${this.constructor.name}: numFeatures must be a whole number >= 1, got ${numFeatures}`);
    }
    this.weight = this.addParameter('weight', ones([numFeatures]));
    this.bias = this.addParameter('bias', zeros([numFeatures]));
    this.runningMean = this.addBuffer('runningMean', zeros([numFeatures]));
    this.runningVar = this.addBuffer('runningVar', ones([numFeatures]));
  }

  /** The accepted input shapes, for the error message; empty when x is one of them. */
  protected abstract expectedShapes(x: Tensor): string;

  forward(x: Tensor): Tensor {
    const expected = this.expectedShapes(x);
    if (expected !== '') throw new ShapeError(`${this.constructor.name}: expected ${expected}, got ${formatShape(x.shape)}`);
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training, momentum: this.momentum, eps: this.eps,
    });
  }
}

/** Batch normalisation of (N, C) or (N, C, L). */
export class BatchNorm1d extends BatchNorm {
  protected expectedShapes(x: Tensor): string {
    const C = this.numFeatures;
    return (x.ndim === 2 || x.ndim === 3) && x.shape[1] === C ? '' : `(N, ${C}) or (N, ${C}, L)`;
  }
}

/** Batch normalisation of images (N, C, H, W). */
export class BatchNorm2d extends BatchNorm {
  protected expectedShapes(x: Tensor): string {
    return x.ndim === 4 && x.shape[1] === this.numFeatures ? '' : `(N, ${this.numFeatures}, H, W)`;
  }
}
