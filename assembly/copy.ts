// Strided gather into a contiguous tensor: the kernel behind contiguous() for any view (transposes,
// slices with steps, broadcast expansions with stride 0, negative strides). Elements are 4 bytes of
// any dtype, copied as bits.
import { argI32, argPtr, splitStart } from './args';
import { product, stridedOffset } from './strided';

// out is (shape) contiguous; x is read at offsets sum(index[d] * strides[d]) elements.
// Arguments: out, x, ndim, shape[ndim], strides[ndim].
export function strided_copy_task(args: usize, tid: i32, nthreads: i32): void {
  const out = argPtr(args, 0);
  const x = argPtr(args, 1);
  const ndim = argI32(args, 2);
  const shape = args + 12;
  const strides = shape + (<usize>ndim << 2);
  const total = product(ndim, shape);
  const inner = load<i32>(shape + (<usize>(ndim - 1) << 2));
  const step = load<i32>(strides + (<usize>(ndim - 1) << 2));
  const end = splitStart(total, tid + 1, nthreads);
  let i = splitStart(total, tid, nthreads);
  while (i < end) {
    const n = min(inner - i % inner, end - i);
    const dst = out + (<usize>i << 2);
    const src = x + (<usize>stridedOffset(i, ndim, shape, strides) << 2);
    if (step == 1) {
      memory.copy(dst, src, <usize>n << 2);
    } else {
      for (let k = 0; k < n; k++) store<i32>(dst + (<usize>k << 2), load<i32>(src + (<usize>(k * step) << 2)));
    }
    i += n;
  }
}
