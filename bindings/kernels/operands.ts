// What every kernel wrapper does to its tensor operands before dispatch: check them, and hand the
// kernel contiguous memory (a non-contiguous view is gathered into a temporary copy first).
import { ArgumentError, DTypeError, formatShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { contiguous } from './copy.js';

/**
 * Which kernel runs: the SIMD one, or the scalar reference beside it. Tests use 'reference' to
 * hold the SIMD kernels to the references; users never need it.
 */
export type Impl = 'simd' | 'reference';

export function taskFor(base: string, impl: Impl): string {
  return impl === 'simd' ? base : `${base}_reference`;
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

/** A contiguous view of `shape` over the same elements as contiguous `t`, disposed independently. */
export function viewAs(t: Tensor, shape: readonly number[]): Tensor {
  t.storage.retain();
  return new Tensor(t.storage, shape, t.dtype, undefined, t.offset);
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
