import type { Tensor } from '../tensor.js';
import { adagradStep, checkHyper } from './functional.js';
import { Optimizer } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  eps?: number;
}

/** Adagrad (Duchi et al.), as torch.optim.Adagrad with initial accumulator 0. */
export class Adagrad extends Optimizer {
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;

  constructor(params: Iterable<Tensor>, opts: AdagradOptions = {}) {
    super('Adagrad', params, opts.lr ?? 1e-2);
    this.lrDecay = checkHyper('Adagrad', 'lrDecay', opts.lrDecay ?? 0, 0);
    this.weightDecay = checkHyper('Adagrad', 'weightDecay', opts.weightDecay ?? 0, 0);
    this.eps = checkHyper('Adagrad', 'eps', opts.eps ?? 1e-10, 0);
  }

  protected update(p: Tensor, g: Tensor): void {
    const [sum] = this.stateOf(p, 1);
    adagradStep(p, g, sum, {
      lr: this.lr, lrDecay: this.lrDecay, weightDecay: this.weightDecay, eps: this.eps, step: this.stepCount,
    });
  }
}
