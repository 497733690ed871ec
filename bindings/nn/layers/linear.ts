import { uniform } from '../init.js';
import { Module } from '../module.js';
import { linear } from '../../ops/linear.js';
import { ArgumentError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

export interface LinearOptions {
  bias?: boolean;
  /** Seed of the initial weights; without it, the global generator's. */
  seed?: number;
}

const LINEAR = defineOptions<LinearOptions>('Linear', { bias: 'boolean', seed: 'number' });

/** y = x W^T + b, initialised as torch.nn.Linear: uniform in ±1/sqrt(inFeatures). */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options?: LinearOptions,
  ) {
    super();
    const opts = LINEAR.parse(options);
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Linear: ${name} must be a whole number >= 1, got ${v}`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    const seed = opts.seed;
    this.weight = this.addParameter('weight', uniform([outFeatures, inFeatures], bound, { seed }));
    this.bias = opts.bias === false ? null
      : this.addParameter('bias', uniform([outFeatures], bound, { seed: seed === undefined ? undefined : seed + 1 }));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias ?? undefined);
  }
}
