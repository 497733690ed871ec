import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { rand } from '../../creation.js';
import { ge } from '../../ops/compare.js';
import { mul } from '../../ops/arithmetic.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';

/** Zeroes each element with probability p in training and scales the rest by 1/(1-p); identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keepMask = noGrad(() => {
      const r = rand(x.shape);
      const m = ge(r, this.p);
      r.dispose();
      const scaled = mul(m, 1 / (1 - this.p));
      m.dispose();
      return scaled;
    });
    const y = mul(x, keepMask);
    return y;
  }
}
