// A Tensor is a view (shape, strides, offset) onto a Storage: a block of the wasm memory that
// views share and that is freed when its last view is disposed.
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';
import { DisposedError, formatShape, ShapeError } from './errors.js';
import { engine } from './runtime/engine.js';
import { contiguousStrides, numel, type Shape } from './shape.js';

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
    if (--this.refs === 0) engine().heap.free(this.ptr);
  }

  static allocate(elements: number): Storage {
    const bytes = elements * BYTES_PER_ELEMENT;
    return new Storage(engine().heap.alloc(bytes), bytes);
  }
}

export class Tensor {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly size: number;
  private disposed = false;

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
    const expected = contiguousStrides(this.shape);
    return this.shape.every((d, i) => d === 1 || this.strides[i] === expected[i]);
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
    if (this.size !== 1) {
      throw new ShapeError(`item: expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    }
    return this.toArray()[0];
  }

  /** Frees this view; the memory goes back when the last view of the storage is disposed. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.release();
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype})`;
  }
}
