import type { Tensor } from '../tensor.js';
import { adamSteps, checkHyper } from './functional.js';
import { Optimizer, type ParamUpdate } from './optimizer.js';
import { defineOptions } from '../options.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

const ADAM_FIELDS = { lr: 'number', betas: 'number[2]', eps: 'number', weightDecay: 'number' } as const;
const ADAM = { Adam: defineOptions<AdamOptions>('Adam', ADAM_FIELDS), AdamW: defineOptions<AdamOptions>('AdamW', ADAM_FIELDS) };

/**
 * Adam (Kingma and Ba) with bias correction, as torch.optim.Adam. Weight decay here is L2: it is
 * added to the gradient. AdamW decouples it.
 */
export class Adam extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(params: Iterable<Tensor>, options?: AdamOptions, name: 'Adam' | 'AdamW' = 'Adam') {
    const opts = ADAM[name].parse(options);
    super(name, params, opts.lr ?? 1e-3);
    const [b1, b2] = opts.betas ?? [0.9, 0.999];
    this.beta1 = checkHyper(name, 'betas[0]', b1, 0, 1 - Number.EPSILON);
    this.beta2 = checkHyper(name, 'betas[1]', b2, 0, 1 - Number.EPSILON);
    this.eps = checkHyper(name, 'eps', opts.eps ?? 1e-8, 0);
    this.weightDecay = checkHyper(name, 'weightDecay', opts.weightDecay ?? this.defaultWeightDecay(), 0);
  }

  protected defaultWeightDecay(): number {
    return 0;
  }

  protected update(updates: readonly ParamUpdate[]): void {
    const tensors = updates.map(({ param, grad }) => {
      const [expAvg, expAvgSq] = this.stateOf(param, 2);
      return { param, grad, expAvg, expAvgSq };
    });
    adamSteps(tensors, {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay,
      decoupled: this.decoupled, step: this.stepCount,
    });
  }
}

/** Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW: default decay 0.01. */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: Iterable<Tensor>, opts?: AdamOptions) {
    super(params, opts, 'AdamW');
  }

  protected override defaultWeightDecay(): number {
    return 0.01;
  }
}
