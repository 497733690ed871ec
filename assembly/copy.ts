// Strided copy between views: the kernel behind contiguous() for any view (transposes, slices
// with steps, broadcast expansions with stride 0, negative strides) and behind writes into a
// window of a larger tensor (cat, the gradient of narrow). Elements are 4 bytes of any dtype,
// copied as bits.
import { StridedCopyArgs } from './generated/args';
import { splitStart } from './split';
import { product, stridedOffset } from './strided';

// Element [i0, i1, ...] is read from x + sum(index[d] * xStrides[d]) and written to
// out + sum(index[d] * outStrides[d]). Threads split the elements in row-major order; out's
// elements must not overlap.
export function strided_copy_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<StridedCopyArgs>(args);
  const out = a.out, x = a.x, ndim = a.ndim;
  const shape = a.shape, xStrides = a.xStrides, outStrides = a.outStrides;
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
