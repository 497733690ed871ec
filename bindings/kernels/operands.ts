// Argument checks and raw views for the wrappers that hand tensors to hand-written kernels
// (lstm.ts, attention.ts): those kernels read plain row-major memory, so operands that are not
// laid out that way are copied first.
import { tensor } from '../creation.js';
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** Throws unless `t` is a live Tensor of one of `dtypes`; returns it typed. */
export function checkTensor(op: string, name: string, t: unknown, dtypes: readonly DType[] = ['float32']): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
  t.assertAlive(op);
  if (!dtypes.includes(t.dtype)) {
    throw new DTypeError(
      `${op}: ${name} must be ${dtypes.join(' or ')}, got ${t.dtype} (shape ${formatShape(t.shape)})`,
    );
  }
  return t;
}

/** Throws a ShapeError unless `t` has exactly `expected`; `names` spells each dim (e.g. "(T, B, I)"). */
export function checkShape(op: string, name: string, t: Tensor, expected: readonly number[], names: string): void {
  if (t.ndim !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${op}: ${name} must have shape ${names} = ${formatShape(expected)}, got ${formatShape(t.shape)}`,
    );
  }
}

/** A new view of `t`'s storage with a row-major `shape` starting `offset` elements into it. */
export function rawView(t: Tensor, shape: readonly number[], offset: number): Tensor {
  t.storage.retain();
  return new Tensor(t.storage, shape, t.dtype, undefined, offset);
}

/** `t` viewed (if row-major already) or copied as a row-major tensor of `shape`; dispose it after use. */
export function rowMajor(t: Tensor, shape: readonly number[] = t.shape): Tensor {
  if (t.isContiguous()) return rawView(t, shape, t.offset);
  return tensor(t.toArray(), shape, t.dtype);
}

/** A view of `t` with a new shape of the same size; `t` itself is disposed. */
export function reshaped(t: Tensor, shape: readonly number[]): Tensor {
  const v = rawView(t, shape, t.offset);
  t.dispose();
  return v;
}
