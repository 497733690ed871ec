// Fills and copies: the kernels behind zeros, ones, full and contiguous copies.
import { FillArgs } from './generated/args';
import { splitStart } from './split';

export function fill_f32_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<FillArgs>(args);
  const out = a.out, n = a.n, value = a.value;
  const start = splitStart(n, tid, nthreads);
  const end = splitStart(n, tid + 1, nthreads);
  const splat = f32x4.splat(value);
  let i = start;
  for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), splat);
  for (; i < end; i++) store<f32>(out + (<usize>i << 2), value);
}
