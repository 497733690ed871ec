// A Tensor is a view (shape, strides, offset) onto a Storage: a block of the wasm memory that
// views share and that is freed when its last view is disposed.
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';
import { DisposedError, DTypeError, formatShape, ShapeError } from './errors.js';
import { engine, isReady } from './runtime/engine.js';
import { track, untrack, untrackCollected } from './lifetime.js';
import { contiguousStrides, numel, type Shape } from './shape.js';
import { formatValues, withSuffixes } from './tensor-format.js';

/** Node's util.inspect (console.log) calls the method under this key; elsewhere it is just a symbol. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
import { defineOptionType } from './options.js';

export class Storage {
  private refs = 1;

  constructor(
    readonly ptr: number,
    readonly bytes: number,
  ) {}

  get alive(): boolean {
    return this.refs > 0;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    // After shutdown() the memory is gone with the engine: nothing left to free.
    if (--this.refs === 0 && isReady()) engine().heap.free(this.ptr);
  }

  static allocate(elements: number, op = 'alloc'): Storage {
    const bytes = elements * BYTES_PER_ELEMENT;
    return new Storage(engine().heap.alloc(bytes, op), bytes);
  }
}

// The safety net for tensors nobody disposed: their storage is released when the garbage
// collector takes the Tensor object. It runs late or never, so scopes and dispose() come first.
const collected = new FinalizationRegistry<Storage>((storage) => {
  untrackCollected();
  storage.release();
});

/**
 * One recorded op in the graph: the tensors it read, and how to turn the gradient of its output
 * into gradients of those inputs (null where an input needs none). It is part of the tensor it
 * made (gradFn), so it is declared here: autograd/ reads tensors, tensor.ts imports none of it.
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Cleared once backward has run through this node, which frees what the closure holds. */
  backward: ((dy: Tensor) => readonly (Tensor | null)[]) | null;
}

export class Tensor {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
  private disposed = false;
  /** Whether backward should compute a gradient for this tensor. */
  requiresGrad = false;
  /** The accumulated gradient, for tensors that require one and were made by the user. */
  grad: Tensor | null = null;
  /** The op that made this tensor, when it was recorded for backward. */
  gradFn: GradNode | null = null;
  private disposeHooks: (() => void)[] | null = null;
  /** Whether the garbage collector's safety net holds this tensor (see leftScopes). */
  private collectable = false;
  /** Whether the strides are row-major for the shape: known when made without strides, else found once. */
  private knownContiguous: boolean | undefined;

  constructor(
    readonly storage: Storage,
    shape: Shape,
    readonly dtype: DType,
    strides?: Shape,
    /** Offset of element [0, ..., 0] in the storage, in elements. */
    readonly offset = 0,
  ) {
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.size = numel(shape);
    this.knownContiguous = strides === undefined ? true : undefined;
    track(this);
  }

  /** Puts this tensor under the garbage collector's safety net: lifetime.ts calls it once no scope holds it. */
  leftScopes(): void {
    if (this.collectable || this.disposed) return;
    this.collectable = true;
    collected.register(this, this.storage, this);
  }

  /** A new Tensor object over the same elements, disposed independently. */
  alias(): Tensor {
    this.assertAlive('alias');
    this.storage.retain();
    // Not `new Tensor`: a bundled class that names itself inside its body is renamed `_Tensor` by
    // esbuild, and Tensor.name is what users and messages read.
    return new (this.constructor as typeof Tensor)(this.storage, this.shape, this.dtype, this.strides, this.offset);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Byte address of element [0, ..., 0]; throws if the tensor was disposed. */
  ptr(op = 'tensor'): number {
    this.assertAlive(op);
    return this.storage.ptr + this.offset * BYTES_PER_ELEMENT;
  }

  assertAlive(op: string): void {
    if (this.disposed) {
      throw new DisposedError(`${op}: tensor of shape ${formatShape(this.shape)} (${this.dtype}) was disposed`);
    }
  }

  isContiguous(): boolean {
    if (this.knownContiguous === undefined) {
      const expected = contiguousStrides(this.shape);
      this.knownContiguous = this.shape.every((d, i) => d === 1 || this.strides[i] === expected[i]);
    }
    return this.knownContiguous;
  }

  /** A copy of the elements in row-major order. */
  toArray(): Float32Array | Int32Array {
    this.assertAlive('toArray');
    const heap = engine().heap;
    const view = this.dtype === 'int32' ? heap.i32 : heap.f32;
    const out = this.dtype === 'int32' ? new Int32Array(this.size) : new Float32Array(this.size);
    const base = (this.storage.ptr >> 2) + this.offset;
    if (this.isContiguous()) {
      out.set(view.subarray(base, base + this.size));
      return out;
    }
    const index = new Array<number>(this.ndim).fill(0);
    for (let i = 0; i < this.size; i++) {
      let at = base;
      for (let d = 0; d < this.ndim; d++) at += index[d] * this.strides[d];
      out[i] = view[at];
      for (let d = this.ndim - 1; d >= 0 && ++index[d] === this.shape[d]; d--) index[d] = 0;
    }
    return out;
  }

  /** The value of a one-element tensor. */
  item(): number {
    this.assertAlive('item');
    if (this.size !== 1) {
      throw new ShapeError(`item: expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    }
    return this.toArray()[0];
  }

  /** Frees this view; the memory goes back when the last view of the storage is disposed. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.collectable) collected.unregister(this);
    untrack(this);
    this.storage.release();
    for (const hook of this.disposeHooks ?? []) hook();
    this.disposeHooks = null;
  }

  /** Runs `hook` when this tensor is disposed: ops free state they hung on their output this way. */
  onDispose(hook: () => void): void {
    this.assertAlive('onDispose');
    (this.disposeHooks ??= []).push(hook);
  }

  /** The same elements, cut off from the graph: ops on it record nothing back to this tensor's inputs. */
  detach(): Tensor {
    const t = this.alias();
    t.requiresGrad = false;
    return t;
  }

  /** Sets requiresGrad and returns this tensor, for chaining. */
  requiresGrad_(flag = true): this {
    if (flag && this.dtype !== 'float32') {
      throw new DTypeError(`requiresGrad_: only float32 tensors can require grad, this one is ${this.dtype}`);
    }
    this.requiresGrad = flag;
    return this;
  }

  /** The values as PyTorch prints them, e.g. `tensor([[1., 2.], [3., 4.]], dtype=int32)`; abbreviated past 1000 elements. */
  toString(): string {
    const prefix = 'tensor(';
    const suffixes: string[] = [];
    let body: string;
    if (this.disposed || !isReady()) {
      body = this.disposed ? '<disposed>' : '<engine shut down>';
      suffixes.push(`shape=${formatShape(this.shape)}`, `dtype=${this.dtype}`);
    } else {
      const heap = engine().heap;
      const base = (this.storage.ptr >> 2) + this.offset;
      const values = this.dtype === 'int32' ? heap.i32 : heap.f32;
      body = this.size === 0 ? '[]' : formatValues({ shape: this.shape, strides: this.strides, base, values, isFloat: this.dtype === 'float32' }, prefix.length);
      if (this.size === 0 && this.ndim !== 1) suffixes.push(`size=${formatShape(this.shape)}`);
      if (this.dtype !== 'float32') suffixes.push(`dtype=${this.dtype}`);
    }
    if (this.gradFn !== null) suffixes.push(`gradFn=<${this.gradFn.op}>`);
    else if (this.requiresGrad) suffixes.push('requiresGrad=true');
    return withSuffixes(prefix + body, suffixes, prefix.length);
  }

  [INSPECT](): string {
    return this.toString();
  }
}

defineOptionType('tensor', (v) => v instanceof Tensor, 'a Tensor', 'Tensors');
