import type { Tensor } from '../tensor.js';
import { adagradStep, checkHyper } from './functional.js';
import { Optimizer, type ParamUpdate } from './optimizer.js';
import { defineOptions } from '../options.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  eps?: number;
}

const ADAGRAD = defineOptions<AdagradOptions>('Adagrad', { lr: 'number', lrDecay: 'number', weightDecay: 'number', eps: 'number' });

/** Adagrad (Duchi et al.), as torch.optim.Adagrad with initial accumulator 0. */
export class Adagrad extends Optimizer {
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;

  constructor(params: Iterable<Tensor>, options?: AdagradOptions) {
    const opts = ADAGRAD.parse(options);
    super('Adagrad', params, opts.lr ?? 1e-2);
    this.lrDecay = checkHyper('Adagrad', 'lrDecay', opts.lrDecay ?? 0, 0);
    this.weightDecay = checkHyper('Adagrad', 'weightDecay', opts.weightDecay ?? 0, 0);
    this.eps = checkHyper('Adagrad', 'eps', opts.eps ?? 1e-10, 0);
  }

  protected update(updates: readonly ParamUpdate[]): void {
    for (const { param, grad } of updates) {
      adagradStep(param, grad, this.stateOf(param, 1)[0], {
        lr: this.lr, lrDecay: this.lrDecay, weightDecay: this.weightDecay, eps: this.eps, step: this.stepCount,
      });
    }
  }
}
