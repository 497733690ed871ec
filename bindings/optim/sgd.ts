import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkHyper, sgdStep } from './functional.js';
import { Optimizer, type ParamUpdate } from './optimizer.js';
import { defineOptions } from '../options.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

const SGD_OPTIONS = defineOptions<SGDOptions>('SGD', {
  lr: 'number', momentum: 'number', dampening: 'number', weightDecay: 'number', nesterov: 'boolean',
}, ['lr']);

/** Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, as torch.optim.SGD. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    const opts = SGD_OPTIONS.parse(options);
    super('SGD', params, opts.lr);
    this.momentum = checkHyper('SGD', 'momentum', opts.momentum ?? 0, 0);
    this.dampening = checkHyper('SGD', 'dampening', opts.dampening ?? 0, 0, 1);
    this.weightDecay = checkHyper('SGD', 'weightDecay', opts.weightDecay ?? 0, 0);
    this.nesterov = opts.nesterov ?? false;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new ArgumentError('SGD: nesterov needs momentum > 0 and dampening 0');
    }
  }

  protected update(updates: readonly ParamUpdate[]): void {
    for (const { param, grad } of updates) {
      const firstStep = this.momentum !== 0 && !this.hasState(param);
      const buffer = this.momentum === 0 ? null : this.stateOf(param, 1)[0];
      sgdStep(param, grad, buffer, {
        lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay,
        nesterov: this.nesterov, firstStep,
      });
    }
  }
}
