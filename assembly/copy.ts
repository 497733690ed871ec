// Strided copy between views: the kernel behind contiguous() for any view (transposes, slices
// with steps, broadcast expansions with stride 0, negative strides) and behind writes into a
// window of a larger tensor (cat, the gradient of narrow). Elements are 4 bytes of any dtype,
// copied as bits.
import { argI32, argPtr, splitStart } from './args';
import { product, stridedOffset } from './strided';

// out and x are (shape), each at its own element strides: element [i0, i1, ...] is read from
// x + sum(index[d] * xStrides[d]) and written to out + sum(index[d] * outStrides[d]).
// Arguments: out, x, ndim, shape[ndim], xStrides[ndim], outStrides[ndim].
// Threads split the elements in row-major order; out's elements must not overlap.
export function strided_copy_task(args: usize, tid: i32, nthreads: i32): void {
  const out = argPtr(args, 0);
  const x = argPtr(args, 1);
  const ndim = argI32(args, 2);
  const shape = args + 12;
  const xStrides = shape + (<usize>ndim << 2);
  const outStrides = xStrides + (<usize>ndim << 2);
  const total = product(ndim, shape);
  const inner = load<i32>(shape + (<usize>(ndim - 1) << 2));
  const xStep = load<i32>(xStrides + (<usize>(ndim - 1) << 2));
  const outStep = load<i32>(outStrides + (<usize>(ndim - 1) << 2));
  const end = splitStart(total, tid + 1, nthreads);
  let i = splitStart(total, tid, nthreads);
  while (i < end) {
    const n = min(inner - i % inner, end - i);
    const dst = out + (<usize>stridedOffset(i, ndim, shape, outStrides) << 2);
    const src = x + (<usize>stridedOffset(i, ndim, shape, xStrides) << 2);
    if (xStep == 1 && outStep == 1) {
      memory.copy(dst, src, <usize>n << 2);
    } else {
      for (let k = 0; k < n; k++) store<i32>(dst + (<usize>(k * outStep) << 2), load<i32>(src + (<usize>(k * xStep) << 2)));
    }
    i += n;
  }
}
