// N-D strided addressing shared by the broadcasting and copy kernels. A layout is `ndim` words of
// shape followed, elsewhere in the argument block, by `ndim` words of strides in elements (zero for
// a broadcast dimension, negative allowed).

/** Elements from the start of `shape`-many dims to the element whose row-major index is `flat`. */
export function stridedOffset(flat: i32, ndim: i32, shape: usize, strides: usize): i32 {
  let offset = 0;
  let rest = flat;
  for (let d = ndim - 1; d >= 0; d--) {
    const size = load<i32>(shape + (<usize>d << 2));
    const q = rest / size;
    offset += (rest - q * size) * load<i32>(strides + (<usize>d << 2));
    rest = q;
  }
  return offset;
}

export function product(ndim: i32, shape: usize): i32 {
  let n = 1;
  for (let d = 0; d < ndim; d++) n *= load<i32>(shape + (<usize>d << 2));
  return n;
}
