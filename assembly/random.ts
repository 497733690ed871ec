// Seeded random numbers that are the same in every runtime and for every thread count: element i
// is a pure function of (seed, i), a counter-based generator, and the math is AssemblyScript's
// own (not the host's Math), so no engine can round it differently.
import { RandomArgs } from './generated/args';
import { splitStart } from './split';

// splitmix64's finaliser: a bijective mix with good avalanche, enough to decorrelate counters.
@inline function mix(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

@inline function bits(seed: u64, counter: u64): u64 {
  return mix(seed * 0x9e3779b97f4a7c15 + counter + 1);
}

/** A float in [0, 1) with 24 random bits: every value is exactly representable. */
@inline function unit(seed: u64, counter: u64): f64 {
  return <f64>(bits(seed, counter) >> 40) * (1.0 / 16777216.0);
}

// out is (n): uniform in [lo, hi)
export function rand_uniform_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<RandomArgs>(args);
  const out = a.out, n = a.n;
  const seed = (<u64>a.seedHigh << 32) | <u64><u32>a.seedLow;
  const lo = a.a, hi = a.b;
  const start = splitStart(n, tid, nthreads);
  const end = splitStart(n, tid + 1, nthreads);
  const span = <f64>hi - <f64>lo;
  for (let i = start; i < end; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(<f64>lo + span * unit(seed, <u64>i)));
  }
}

// out is (n): normal with the given mean and std, by Box-Muller on pairs (2j, 2j+1)
export function rand_normal_task(args: usize, tid: i32, nthreads: i32): void {
  const a = changetype<RandomArgs>(args);
  const out = a.out, n = a.n;
  const seed = (<u64>a.seedHigh << 32) | <u64><u32>a.seedLow;
  const mean = <f64>a.a, std = <f64>a.b;
  const pairs = (n + 1) >> 1;
  const start = splitStart(pairs, tid, nthreads);
  const end = splitStart(pairs, tid + 1, nthreads);
  for (let j = start; j < end; j++) {
    // 1 - u keeps the log's argument in (0, 1].
    const r = Math.sqrt(-2.0 * Math.log(1.0 - unit(seed, <u64>(2 * j))));
    const theta = 2.0 * Math.PI * unit(seed, <u64>(2 * j + 1));
    const i = 2 * j;
    store<f32>(out + (<usize>i << 2), <f32>(mean + std * r * Math.cos(theta)));
    if (i + 1 < n) store<f32>(out + (<usize>(i + 1) << 2), <f32>(mean + std * r * Math.sin(theta)));
  }
}
