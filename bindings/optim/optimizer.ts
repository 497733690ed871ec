// What every optimizer shares: the parameters it updates, its learning rate (which schedulers
// change), per-parameter state that outlives every scope, and zeroGrad.
import { ArgumentError, DTypeError, formatShape } from '../errors.js';
import { checkHyper } from './functional.js';
import { zeros } from '../creation.js';
import { keep } from '../lifetime.js';
import type { Tensor } from '../tensor.js';

export interface ParamUpdate {
  param: Tensor;
  grad: Tensor;
}

export abstract class Optimizer {
  readonly params: readonly Tensor[];
  lr: number;
  /** Steps taken so far. */
  stepCount = 0;
  private readonly state = new Map<Tensor, Tensor[]>();

  constructor(op: string, params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (this.params.length === 0) throw new ArgumentError(`${op}: got an empty parameter list`);
    for (const p of this.params) {
      p.assertAlive(op);
      if (p.dtype !== 'float32' || !p.isContiguous()) {
        throw new DTypeError(
          `${op}: parameters must be contiguous float32 tensors, got ${p.dtype} of shape ${formatShape(p.shape)}`,
        );
      }
    }
    if (new Set(this.params).size !== this.params.length) {
      throw new ArgumentError(`${op}: a parameter appears more than once in the list`);
    }
    this.lr = checkHyper(op, 'lr', lr, 0);
  }

  protected hasState(p: Tensor): boolean {
    return this.state.has(p);
  }

  /** The `count` state buffers of parameter `p`, made as zeros on first use. */
  protected stateOf(p: Tensor, count: number): Tensor[] {
    let s = this.state.get(p);
    if (s === undefined) {
      s = Array.from({ length: count }, () => keep(zeros(p.shape)));
      this.state.set(p, s);
    }
    return s;
  }

  /** Drops every gradient (PyTorch's set_to_none): the next backward starts from nothing. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    this.stepCount++;
    const updates: ParamUpdate[] = [];
    for (const p of this.params) {
      if (p.grad === null) continue;
      p.assertAlive('optimizer step');
      p.grad.assertAlive('optimizer step');
      updates.push({ param: p, grad: p.grad });
    }
    this.update(updates);
  }

  /** Updates these parameters from their gradients: all of them at once, so kernels can batch them. */
  protected abstract update(updates: readonly ParamUpdate[]): void;

  /** Frees the optimizer's state buffers. */
  dispose(): void {
    for (const buffers of this.state.values()) for (const b of buffers) b.dispose();
    this.state.clear();
  }
}
