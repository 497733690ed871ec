// Output comparison for the conformance runner: shapes must be equal, values within
// |got - expected| <= atol + rtol * |expected|, with NaN equal to NaN and infinities equal to themselves.
export const RTOL = 1e-3;
export const ATOL = 1e-5;

/** 0 for equal values (NaN equals NaN), Infinity when only one side is NaN or infinite. */
function absDiff(g, e) {
  if (g === e || (Number.isNaN(g) && Number.isNaN(e))) return 0;
  if (!Number.isFinite(g) || !Number.isFinite(e)) return Infinity;
  return Math.abs(g - e);
}

const sameShape = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Compares one output. `got` is `{shape, data}` (data: number array-like), `expected` a reader tensor.
 * Returns null when they match, else `{ message, maxAbsDiff, firstIndex }`.
 */
export function compareOutput(got, expected, { rtol = RTOL, atol = ATOL } = {}) {
  if (!sameShape(got.shape, expected.dims)) {
    return { message: `shape [${got.shape}] differs from expected [${expected.dims}]`, maxAbsDiff: NaN, firstIndex: -1 };
  }
  let maxAbsDiff = 0;
  let firstIndex = -1;
  for (let i = 0; i < got.data.length; i++) {
    const diff = absDiff(Number(got.data[i]), Number(expected.data[i]));
    const bad = diff === Infinity || diff > atol + rtol * Math.abs(Number(expected.data[i]));
    if (bad && firstIndex < 0) firstIndex = i;
    maxAbsDiff = Math.max(maxAbsDiff, diff);
  }
  if (firstIndex < 0) return null;
  const g = got.data[firstIndex];
  const e = expected.data[firstIndex];
  return {
    message: `max abs diff ${maxAbsDiff}; first differing index ${firstIndex}: got ${g}, expected ${e} (rtol ${rtol}, atol ${atol})`,
    maxAbsDiff,
    firstIndex,
  };
}
