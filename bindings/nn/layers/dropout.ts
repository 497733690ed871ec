import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { rand } from '../../creation.js';
import { ge } from '../../ops/compare.js';
import { mul } from '../../ops/arithmetic.js';
import { noGrad } from '../../autograd/grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

const DROPOUT = defineOptions<{ p?: number; training?: boolean }>('dropout', { p: 'number', training: 'boolean' });
const DROPOUT_LAYER = defineOptions<{ p?: number }>('Dropout', { p: 'number' });

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p), when `training`;
 * the identity otherwise. The mask comes from the global seeded generator.
 */
export function dropout(x: Tensor, ...args: [p?: number, training?: boolean] | [{ p?: number; training?: boolean }]): Tensor {
  const { p = 0.5, training = true } = DROPOUT.fromArguments(args);
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
  readonly p: number;

  constructor(...args: [p?: number] | [{ p?: number }]) {
    super();
    this.p = DROPOUT_LAYER.fromArguments(args).p ?? 0.5;
    if (!(this.p >= 0 && this.p < 1)) throw new ArgumentError(`Dropout: p must be in [0, 1), got ${this.p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}
