// Max and min of a contiguous row, shared by the reductions and softmax.

// x is (n) contiguous; max or min, NaN-propagating, exact in any order
export function rowExtreme(x: usize, n: i32, isMax: bool): f32 {
  let acc = f32x4.splat(isMax ? -Infinity : Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
  }
  const lanes = isMax
    ? max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)))
    : min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  let s = lanes;
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    s = isMax ? max(s, v) : min(s, v);
  }
  return s;
}

