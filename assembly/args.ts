// Kernels receive one pointer to an argument block of 32-bit words written by the TypeScript
// side (bindings/runtime/engine.ts), plus their thread index and the thread count.

@inline export function argI32(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

@inline export function argPtr(args: usize, i: i32): usize {
  return <usize>load<u32>(args + (<usize>i << 2));
}

@inline export function argF32(args: usize, i: i32): f32 {
  return load<f32>(args + (<usize>i << 2));
}

/** First index of thread `tid`'s share when `n` items are split evenly over `nthreads`. */
@inline export function splitStart(n: i32, tid: i32, nthreads: i32): i32 {
  return <i32>((<i64>n * tid) / nthreads);
}
