// wg.optim: optimizers, their functional one-tensor steps, gradient clipping and LR schedules.
export { Optimizer } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { sgdStep, adamStep, adamSteps, adagradStep } from './functional.js';
export { clipGradNorm } from './clip.js';
export { LRScheduler, StepLR, CosineAnnealingLR, LinearWarmupLR } from './schedulers.js';
