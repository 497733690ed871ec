// What every kernel wrapper does to its tensor operands before dispatch: check them, and hand the
// kernel contiguous memory (a non-contiguous view is gathered into a temporary copy first).
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { contiguous } from './copy.js';

/**
 * Which kernel runs: the SIMD one, or the scalar reference beside it. Tests use 'reference' to
 * hold the SIMD kernels to the references; users never need it.
 */
export type KernelChoice = 'simd' | 'reference';

/** An op's `kernel` option: 'simd' when absent. */
export function kernelChoice(op: string, value: unknown): KernelChoice {
  if (value === undefined) return 'simd';
  if (value !== 'simd' && value !== 'reference') {
    throw new ArgumentError(`${op}: kernel must be 'simd' or 'reference', got ${String(value)}`);
  }
  return value;
}

/** The task `base`, or its scalar reference `<base>_reference`. */
export function taskFor<T extends string>(base: T, kernel: KernelChoice): T | `${T}_reference` {
  return kernel === 'simd' ? base : `${base}_reference`;
}

export function requireTensor(op: string, t: unknown, name: string): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
  t.assertAlive(op);
  return t;
}

export function requireFloat32(op: string, t: Tensor, name: string): void {
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${op}: ${name} of shape ${formatShape(t.shape)} is ${t.dtype}; expected float32`);
  }
}

/** Runs `body` on contiguous versions of `tensors`, freeing any copies it had to make. */
export function withContiguous<T>(tensors: readonly Tensor[], body: (ts: Tensor[]) => T): T {
  const copies: Tensor[] = [];
  const ready = tensors.map((t) => {
    if (t.isContiguous()) return t;
    const c = contiguous(t);
    copies.push(c);
    return c;
  });
  try {
    return body(ready);
  } finally {
    for (const c of copies) c.dispose();
  }
}

/**
 * A new view of `t`'s storage, of `shape`, starting `offset` elements into it, with element
 * `strides` (row-major when omitted); disposed independently.
 */
export function rawView(t: Tensor, shape: readonly number[], offset: number, strides?: readonly number[]): Tensor {
  t.storage.retain();
  return new Tensor(t.storage, shape, t.dtype, strides, offset);
}

/** A contiguous view of `shape` over the same elements as contiguous `t`, disposed independently. */
export function viewAs(t: Tensor, shape: readonly number[]): Tensor {
  return rawView(t, shape, t.offset);
}

/**
 * `t`'s elements in `shape`, taking `t` over: `t` must be a private temporary of the caller,
 * contiguous, with the same element count; it is disposed and must not be used again.
 */
export function adoptAs(t: Tensor, shape: readonly number[]): Tensor {
  const view = viewAs(t, shape);
  t.dispose();
  return view;
}

/** Throws unless `t` is a live Tensor of one of `dtypes`; returns it typed. */
export function checkTensor(op: string, name: string, t: unknown, dtypes: readonly DType[] = ['float32']): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
  t.assertAlive(op);
  if (!dtypes.includes(t.dtype)) {
    throw new DTypeError(`${op}: ${name} must be ${dtypes.join(' or ')}, got ${t.dtype} (shape ${formatShape(t.shape)})`);
  }
  return t;
}

/** Throws a ShapeError unless `t` has exactly `expected`; `names` spells each dim (e.g. "(T, B, I)"). */
export function checkShape(op: string, name: string, t: Tensor, expected: readonly number[], names: string): void {
  if (t.ndim !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: ${name} must have shape ${names} = ${formatShape(expected)}, got ${formatShape(t.shape)}`);
  }
}

/** `t` viewed (if row-major already) or copied as a row-major tensor of `shape`; dispose it after use. */
export function rowMajor(t: Tensor, shape: readonly number[] = t.shape): Tensor {
  return t.isContiguous() ? rawView(t, shape, t.offset) : adoptAs(contiguous(t), shape);
}
