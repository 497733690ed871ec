// How the threads of one task share its work. Kernels receive one pointer to their argument
// block (read through its view in generated/args.ts), their thread index and the thread count.

/** First index of thread `tid`'s share when `n` items are split evenly over `nthreads`. */
@inline export function splitStart(n: i32, tid: i32, nthreads: i32): i32 {
  return <i32>((<i64>n * tid) / nthreads);
}
