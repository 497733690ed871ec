// Learning-rate schedules. Each sets `optimizer.lr` from the base rate and the number of times
// `step()` has been called, as torch.optim.lr_scheduler does when stepped once per epoch or step.
import { ArgumentError } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { checkHyper } from './functional.js';
import { defineOptions } from '../options.js';

export abstract class LRScheduler {
  readonly baseLr: number;
  /** How many times step() has been called. */
  count = 0;

  constructor(protected readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }

  step(): void {
    this.count++;
    this.optimizer.lr = this.lrAt(this.count);
  }

  /** The learning rate after `count` steps. */
  abstract lrAt(count: number): number;
}

interface StepLROptions {
  stepSize: number;
  gamma?: number;
}
interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
}
interface LinearWarmupLROptions {
  warmupSteps: number;
  startFactor?: number;
  then?: LRScheduler;
}
const STEP_LR = defineOptions<StepLROptions>('StepLR', { stepSize: 'number', gamma: 'number' }, ['stepSize']);
const COSINE_ANNEALING_LR = defineOptions<CosineAnnealingLROptions>('CosineAnnealingLR', { tMax: 'number', etaMin: 'number' }, ['tMax']);
const LINEAR_WARMUP_LR = defineOptions<LinearWarmupLROptions>('LinearWarmupLR', {
  warmupSteps: 'number', startFactor: 'number', then: LRScheduler,
}, ['warmupSteps']);

function checkCount(op: string, name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`${op}: ${name} must be a whole number >= 1, got ${n}`);
  return n;
}

/** Multiplies the rate by `gamma` every `stepSize` steps. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    const opts = STEP_LR.parse(options);
    this.stepSize = checkCount('StepLR', 'stepSize', opts.stepSize);
    this.gamma = checkHyper('StepLR', 'gamma', opts.gamma ?? 0.1, 0);
  }

  lrAt(count: number): number {
    return this.baseLr * this.gamma ** Math.floor(count / this.stepSize);
  }
}

/** Half a cosine from the base rate down to `etaMin` over `tMax` steps, then flat. */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    const opts = COSINE_ANNEALING_LR.parse(options);
    this.tMax = checkCount('CosineAnnealingLR', 'tMax', opts.tMax);
    this.etaMin = checkHyper('CosineAnnealingLR', 'etaMin', opts.etaMin ?? 0, 0);
  }

  lrAt(count: number): number {
    const t = Math.min(count, this.tMax);
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/**
 * Ramps the rate linearly from `startFactor` times the base rate to the base rate over
 * `warmupSteps` steps; afterwards hands over to `then` (another schedule of the same optimizer),
 * counted from the end of the warm-up, or stays at the base rate.
 */
export class LinearWarmupLR extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;
  private readonly after: LRScheduler | undefined;

  constructor(optimizer: Optimizer, options: LinearWarmupLROptions) {
    super(optimizer);
    const opts = LINEAR_WARMUP_LR.parse(options);
    this.warmupSteps = checkCount('LinearWarmupLR', 'warmupSteps', opts.warmupSteps);
    this.startFactor = checkHyper('LinearWarmupLR', 'startFactor', opts.startFactor ?? 0, 0, 1);
    this.after = opts.then;
    optimizer.lr = this.lrAt(0);
  }

  lrAt(count: number): number {
    if (count >= this.warmupSteps) return this.after?.lrAt(count - this.warmupSteps) ?? this.baseLr;
    return this.baseLr * (this.startFactor + ((1 - this.startFactor) * count) / this.warmupSteps);
  }
}
