// Sliding-window geometry shared by im2col, col2im and pooling: which window positions land inside
// the input, so inner loops run over a range without a bounds test per element.

/** First o >= 0 with o * step + origin >= 0. */
@inline export function firstInside(origin: i32, step: i32): i32 {
  return origin >= 0 ? 0 : (step - 1 - origin) / step;
}

/** One past the last o < count with o * step + origin < size; never below firstInside. */
@inline export function endInside(origin: i32, step: i32, size: i32, count: i32): i32 {
  if (origin >= size) return firstInside(origin, step);
  return max(firstInside(origin, step), min(count, (size - 1 - origin) / step + 1));
}
