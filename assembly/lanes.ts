// Moving floats between memory, lanes and scalars. Column kernels work on 4 adjacent columns at
// once (vec) or on 1 column in lane 0 of a splat (the tail). Both run the same lane-wise code, so a
// column gets the same bits either way; row kernels do the same with scalar() for their tails.

@inline export function loadLanes(p: usize, vec: bool): v128 {
  return vec ? v128.load(p) : v128.load32_splat(p);
}

@inline export function storeLanes(p: usize, v: v128, vec: bool): void {
  if (vec) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/** The sum of the four lanes, pairwise: (0 + 1) + (2 + 3). */
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Lane 0: the result of a vector function applied to a splat scalar. */
@inline export function scalar(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}
