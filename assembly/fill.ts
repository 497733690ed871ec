// Fills and copies: the kernels behind zeros, ones, full and contiguous copies.
import { argF32, argI32, argPtr, splitStart } from './args';

// out is (n)
export function fill_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const out = argPtr(args, 0);
  const n = argI32(args, 1);
  const value = argF32(args, 2);
  const start = splitStart(n, tid, nthreads);
  const end = splitStart(n, tid + 1, nthreads);
  const splat = f32x4.splat(value);
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), splat);
  for (; i < end; i++) store<f32>(out + (<usize>i << 2), value);
}
