// Short copies and fills of f32 runs, such as a row of a small image (often under 30 floats):
// inline loops beat the call that memory.copy and memory.fill cost per run.
@inline export function copyRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline export function zeroRun(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), i32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/**
 * Copies the plane (H, W) at `plane` into `rows` rows of `width` floats at dst so that row r,
 * column q holds plane row r - top, column q - left, zero outside the plane: a zero-padded window
 * that kernels read whole vectors from without bounds tests.
 */
export function stagePlane(dst: usize, rows: i32, width: i32, plane: usize, H: i32, W: i32, top: i32, left: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = dst + (<usize>(r * width) << 2);
    const ih = r - top;
    if (ih < 0 || ih >= H) {
      zeroRun(row, width);
      continue;
    }
    const lo = min(width, left), hi = min(width, max(lo, left + W));
    zeroRun(row, lo);
    copyRun(row + (<usize>lo << 2), plane + ((<usize>ih * W + lo - left) << 2), hi - lo);
    zeroRun(row + (<usize>hi << 2), width - hi);
  }
}
