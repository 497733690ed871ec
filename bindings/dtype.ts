import { DTypeError } from './errors.js';

export type DType = 'float32' | 'int32';

export const DTYPES: readonly DType[] = ['float32', 'int32'];

/** Every dtype we have is four bytes wide, which keeps views and kernels simple. */
export const BYTES_PER_ELEMENT = 4;

export type TypedArrayFor<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new DTypeError(`${op}: unknown dtype ${String(dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  return dtype;
}
