// Strided copies with the strided_copy kernel: contiguous() gathers any view into a new row-major
// tensor, copyInto() writes a tensor into a view (a window of a larger tensor).
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { empty } from '../creation.js';
import { stridedCopyTask } from '../runtime/generated/kernel-args.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { collapse } from './broadcast.js';

/** A new contiguous tensor with the elements of `x` (any strides, offset or dtype) in row-major order. */
export function contiguous(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(`contiguous: expected a Tensor, got ${String(x)}`);
  x.assertAlive('contiguous');
  const out = empty(x.shape, x.dtype);
  copyInto(x, out);
  return out;
}

/**
 * Writes the elements of `src` into `dst`, a view of the same shape and dtype whose elements do
 * not overlap each other (a window, a transpose; not a broadcast).
 */
export function copyInto(src: Tensor, dst: Tensor): void {
  if (!sameShape(src.shape, dst.shape) || src.dtype !== dst.dtype) {
    const Err = src.dtype !== dst.dtype ? DTypeError : ShapeError;
    throw new Err(`copyInto: source ${formatShape(src.shape)} ${src.dtype} does not match destination ${formatShape(dst.shape)} ${dst.dtype}`);
  }
  if (dst.strides.some((s, i) => s === 0 && dst.shape[i] > 1)) {
    throw new ArgumentError(`copyInto: the destination ${formatShape(dst.shape)} is a broadcast view; its elements overlap`);
  }
  if (src.size === 0) return;
  const layout = collapse(src.shape, [src.strides, dst.strides]);
  const [xStrides, outStrides] = layout.strides;
  stridedCopyTask('strided_copy', { out: dst.ptr('copyInto'), x: src.ptr('copyInto'), shape: layout.shape, xStrides, outStrides }, src.size);
}
