// contiguous(): gathers any strided view into a new row-major tensor with the strided_copy kernel.
import { ArgumentError } from '../errors.js';
import { empty } from '../creation.js';
import { dispatch } from '../runtime/dispatch.js';
import { Tensor } from '../tensor.js';
import { collapse } from './broadcast.js';

/** A new contiguous tensor with the elements of `x` (any strides, offset or dtype) in row-major order. */
export function contiguous(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`contiguous: expected a Tensor, got ${String(x)}`);
  const src = x.ptr('contiguous');
  const out = empty(x.shape, x.dtype);
  if (out.size === 0) return out;
  const layout = collapse(x.shape, [x.strides]);
  dispatch('strided_copy', [out.ptr(), src, layout.shape.length, ...layout.shape, ...layout.strides[0]], out.size);
  return out;
}
