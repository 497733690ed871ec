import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { rand } from '../../creation.js';
import { ge } from '../../ops/compare.js';
import { mul } from '../../ops/arithmetic.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p), when `training`;
 * the identity otherwise. The mask comes from the global seeded generator.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw new ArgumentError(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const keepMask = noGrad(() => {
    const r = rand(x.shape);
    const kept = ge(r, p);
    r.dispose();
    const scaled = mul(kept, 1 / (1 - p));
    kept.dispose();
    return scaled;
  });
  return mul(x, keepMask);
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
