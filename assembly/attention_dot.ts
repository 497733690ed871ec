// The dot product every attention kernel sums the same way, so that a score or a delta has the
// same bits whichever kernel or path made it. Not re-exported by index.ts: these are helpers.

// acc0 and acc1 hold the lanes of a . b up to element d: their sum, then the scalar tail to n.
// Every dot product below ends here, so a row's score has the same bits whichever path made it.
@inline export function finishDot(acc0: v128, acc1: v128, a: usize, b: usize, d: i32, n: i32): f32 {
  const acc = f32x4.add(acc0, acc1);
  let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; d < n; d++) s += load<f32>(a + (<usize>d << 2)) * load<f32>(b + (<usize>d << 2));
  return s;
}

// a and b are (n): their dot product, two vector accumulators, then lanes, then the scalar tail.
@inline export function dot(a: usize, b: usize, n: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let d = 0;
  for (; d + 8 <= n; d += 8) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  if (d + 4 <= n) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    d += 4;
  }
  return finishDot(acc0, acc1, a, b, d, n);
}
