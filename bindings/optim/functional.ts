// One optimizer update of one tensor, in place, through the fused kernels of assembly/optim.ts.
// The optimizer classes call these; they are public for users who keep their own state (and for
// the ONNX training-op conformance cases).
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { adagradTask, adamTask, sgdTask, ADAM_MAX_TENSORS, type AdamTensorArgs } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';

function checkOperands(op: string, param: Tensor, others: Record<string, Tensor>): void {
  for (const [name, t] of [['param', param], ...Object.entries(others)] as const) {
    t.assertAlive(op);
    if (t.dtype !== 'float32' || !t.isContiguous()) {
      throw new DTypeError(`${op}: ${name} must be a contiguous float32 tensor, got ${t.dtype} of shape ${formatShape(t.shape)}`);
    }
    if (t.size !== param.size) {
      throw new ShapeError(`${op}: ${name} has shape ${formatShape(t.shape)}, param has ${formatShape(param.shape)}`);
    }
  }
}

export function checkHyper(op: string, name: string, value: number, lo: number, hi = Infinity): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new ArgumentError(`${op}: ${name} must be a number in [${lo}, ${hi}], got ${String(value)}`);
  }
  return value;
}

export interface SgdStepOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  /** The buffer starts as the gradient itself (torch's first step) instead of being decayed. */
  firstStep?: boolean;
}

/** torch.optim.SGD's update: g += wd*p; buf = momentum*buf + (1-dampening)*g; p -= lr*(nesterov ? g + momentum*buf : buf). */
export function sgdStep(param: Tensor, grad: Tensor, buffer: Tensor | null, o: SgdStepOptions): void {
  const momentum = checkHyper('sgdStep', 'momentum', o.momentum ?? 0, 0);
  if (momentum !== 0 && buffer === null) throw new ArgumentError('sgdStep: momentum needs a buffer');
  checkOperands('sgdStep', param, buffer === null ? { grad } : { grad, buffer });
  sgdTask('sgd', {
    param: param.ptr(), grad: grad.ptr(), buffer: (buffer ?? param).ptr(), n: param.size,
    lr: checkHyper('sgdStep', 'lr', o.lr, 0), momentum,
    dampening: checkHyper('sgdStep', 'dampening', o.dampening ?? 0, 0, 1),
    weightDecay: checkHyper('sgdStep', 'weightDecay', o.weightDecay ?? 0, 0),
    nesterov: o.nesterov === true, firstStep: o.firstStep === true,
  }, param.size * 4);
}

export interface AdamStepOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Decay the parameter (AdamW) instead of adding weightDecay*p to the gradient (Adam). */
  decoupled?: boolean;
  /** The step being taken, from 1, for bias correction; 0 turns bias correction off. */
  step: number;
}

/** One tensor's part in an Adam step: the parameter, its gradient and its two moment buffers. */
export interface AdamTensors {
  param: Tensor;
  grad: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * torch.optim.Adam's (or AdamW's) update of many tensors with the same hyperparameters, in as
 * few kernel calls as the argument block allows: a small model's step is one call, not one per tensor.
 */
export function adamSteps(tensors: readonly AdamTensors[], o: AdamStepOptions): void {
  for (const { param, grad, expAvg, expAvgSq } of tensors) checkOperands('adamStep', param, { grad, expAvg, expAvgSq });
  // One call's threads update its tensors at once: two sharing memory would race.
  const written = tensors.flatMap(({ param, expAvg, expAvgSq }) => [param.storage, expAvg.storage, expAvgSq.storage]);
  if (new Set(written).size !== written.length) {
    throw new ArgumentError('adamSteps: the parameters and moment buffers must not share memory with one another');
  }
  const lr = checkHyper('adamStep', 'lr', o.lr, 0);
  const b1 = checkHyper('adamStep', 'beta1', o.beta1 ?? 0.9, 0, 1);
  const b2 = checkHyper('adamStep', 'beta2', o.beta2 ?? 0.999, 0, 1);
  const t = o.step;
  if (!Number.isInteger(t) || t < 0) throw new ArgumentError(`adamStep: step must be a whole number >= 0, got ${t}`);
  const bc1 = t === 0 ? 1 : 1 - b1 ** t;
  const bc2 = t === 0 ? 1 : 1 - b2 ** t;
  const hyper = {
    lr, beta1: b1, beta2: b2, eps: checkHyper('adamStep', 'eps', o.eps ?? 1e-8, 0),
    weightDecay: checkHyper('adamStep', 'weightDecay', o.weightDecay ?? 0, 0), decoupled: o.decoupled === true,
    stepSize: lr / bc1, sqrtBiasCorrection2: Math.sqrt(bc2),
  };
  for (let first = 0; first < tensors.length; first += ADAM_MAX_TENSORS) {
    const chunk: AdamTensorArgs[] = tensors.slice(first, first + ADAM_MAX_TENSORS).map(({ param, grad, expAvg, expAvgSq }) => ({
      param: param.ptr(), grad: grad.ptr(), expAvg: expAvg.ptr(), expAvgSq: expAvgSq.ptr(), n: param.size,
    }));
    adamTask('adam', { ...hyper, tensors: chunk }, chunk.reduce((sum, t) => sum + t.n, 0) * 8);
  }
}

/** torch.optim.Adam's (or AdamW's) update of one tensor and its two moment buffers. */
export function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): void {
  adamSteps([{ param, grad, expAvg, expAvgSq }], o);
}

export interface AdagradStepOptions {
  lr: number;
  lrDecay?: number;
  weightDecay?: number;
  eps?: number;
  /** The step being taken, from 1. */
  step: number;
}

/** torch.optim.Adagrad's update: clr = lr / (1 + (step-1)*lrDecay); sum += g^2; p -= clr*g/(sqrt(sum)+eps). */
export function adagradStep(param: Tensor, grad: Tensor, stateSum: Tensor, o: AdagradStepOptions): void {
  checkOperands('adagradStep', param, { grad, stateSum });
  if (!Number.isInteger(o.step) || o.step < 1) throw new ArgumentError(`adagradStep: step must be a whole number >= 1, got ${o.step}`);
  const lr = checkHyper('adagradStep', 'lr', o.lr, 0);
  const clr = lr / (1 + (o.step - 1) * checkHyper('adagradStep', 'lrDecay', o.lrDecay ?? 0, 0));
  adagradTask('adagrad', {
    param: param.ptr(), grad: grad.ptr(), stateSum: stateSum.ptr(), n: param.size, clr,
    weightDecay: checkHyper('adagradStep', 'weightDecay', o.weightDecay ?? 0, 0),
    eps: checkHyper('adagradStep', 'eps', o.eps ?? 1e-10, 0),
  }, param.size * 6);
}
