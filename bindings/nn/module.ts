// Module: a layer or a model, holding parameters (trained), buffers (kept, not trained, such as
// BatchNorm's running statistics) and child modules, with PyTorch's names for what it offers.
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { engine } from '../runtime/engine.js';
import { keep } from '../lifetime.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { SafetensorsContents } from '../io/safetensors.js';

export interface LoadOptions {
  /** Refuse missing and unexpected keys (default). Otherwise load the keys that match. */
  strict?: boolean;
}

/** The state dict inside a loaded safetensors file, or the state dict itself; anything else is refused. */
function stateOf(stateOrFile: Record<string, Tensor> | SafetensorsContents): Record<string, Tensor> {
  if (typeof stateOrFile !== 'object' || stateOrFile === null) {
    throw new ArgumentError(`loadStateDict: expected a state dict or loadSafetensors' result, got ${String(stateOrFile)}`);
  }
  const { tensors, metadata } = stateOrFile as Partial<SafetensorsContents>;
  const isFile = typeof tensors === 'object' && tensors !== null && !(tensors instanceof Tensor) && typeof metadata === 'object';
  const state = (isFile ? tensors : stateOrFile) as Record<string, unknown>;
  for (const [key, value] of Object.entries(state)) {
    if (!(value instanceof Tensor)) throw new ArgumentError(`loadStateDict: ${key} is ${String(value)}, not a Tensor`);
  }
  return state as Record<string, Tensor>;
}

export abstract class Module {
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownChildren = new Map<string, Module>();

  abstract forward(...inputs: any[]): any;

  /** Registers a trained tensor: it requires grad, and it outlives every scope. */
  protected addParameter(name: string, t: Tensor): Tensor {
    this.checkFreeName(name);
    if (t.dtype !== 'float32') throw new DTypeError(`${this.constructor.name}: parameter ${name} must be float32`);
    t.requiresGrad = true;
    this.ownParameters.set(name, keep(t));
    return t;
  }

  /** Registers state that is saved and loaded with the module but not trained. */
  protected addBuffer(name: string, t: Tensor): Tensor {
    this.checkFreeName(name);
    this.ownBuffers.set(name, keep(t));
    return t;
  }

  protected addModule<M extends Module>(name: string, m: M): M {
    this.checkFreeName(name);
    this.ownChildren.set(name, m);
    return m;
  }

  private checkFreeName(name: string): void {
    if (name === '' || name.includes('.')) {
      throw new ArgumentError(`${this.constructor.name}: "${name}" is not a valid name (empty, or has a dot)`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new ArgumentError(`${this.constructor.name}: "${name}" is registered already`);
    }
  }

  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.ownChildren;
  }

  children(): Module[] {
    return [...this.ownChildren.values()];
  }

  /** This module and every module below it, with dotted names ('' for this one). */
  *namedModules(prefix = ''): IterableIterator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.ownChildren) yield* child.namedModules(prefix === '' ? name : `${prefix}.${name}`);
  }

  *namedParameters(): IterableIterator<[string, Tensor]> {
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of m.ownParameters) yield [path === '' ? name : `${path}.${name}`, t];
    }
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, t]) => t);
  }

  *namedBuffers(): IterableIterator<[string, Tensor]> {
    for (const [path, m] of this.namedModules()) {
      for (const [name, t] of m.ownBuffers) yield [path === '' ? name : `${path}.${name}`, t];
    }
  }

  /** How many numbers training adjusts. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode (dropout active, batch statistics) here and below. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode: dropout off, running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by dotted name: the live tensors, not copies. */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values into this module's tensors, checking names, shapes and dtypes first. Takes a
   * state dict or what loadSafetensors/loadWeights return (its `.tensors` are the state).
   */
  loadStateDict(stateOrFile: Record<string, Tensor> | SafetensorsContents, opts: LoadOptions = {}): void {
    const state = stateOf(stateOrFile);
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    if ((opts.strict ?? true) && (missing.length > 0 || unexpected.length > 0)) {
      throw new ArgumentError(
        `loadStateDict: keys do not match ${this.constructor.name}` +
          (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
          (unexpected.length > 0 ? `; unexpected: ${unexpected.join(', ')}` : ''),
      );
    }
    const pairs = Object.keys(own).filter((k) => k in state).map((k) => [k, own[k], state[k]] as const);
    for (const [key, dst, src] of pairs) {
      src.assertAlive(`loadStateDict (${key})`);
      if (!sameShape(dst.shape, src.shape)) {
        throw new ShapeError(
          `loadStateDict: ${key} has shape ${formatShape(src.shape)} in the state, ${formatShape(dst.shape)} in the module`,
        );
      }
      if (dst.dtype !== src.dtype) {
        throw new DTypeError(`loadStateDict: ${key} is ${src.dtype} in the state, ${dst.dtype} in the module`);
      }
    }
    const heap = engine().heap;
    for (const [, dst, src] of pairs) {
      if (dst === src) continue;
      const values = src.toArray();
      (dst.dtype === 'int32' ? heap.i32 : heap.f32).set(values, dst.ptr() >> 2);
    }
  }

  /** Drops the gradients of every parameter. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Frees every parameter, gradient and buffer here and below. */
  dispose(): void {
    for (const p of this.parameters()) p.grad?.dispose();
    for (const [, t] of [...this.namedParameters(), ...this.namedBuffers()]) t.dispose();
  }
}
