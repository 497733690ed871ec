// Comparisons shared by the sequence kernel tests (lstm, attention): tolerances relative to the largest reference value, and finite differences.
import assert from 'node:assert/strict';

export function maxAbs(x) {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

/** Asserts |got - want| <= atol + rtol * max|want| elementwise, with no NaN; returns the max |diff|. */
export function assertClose(got, want, { atol = 0, rtol = 0, what = 'value' } = {}) {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  const bound = atol + rtol * maxAbs(want);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    assert.ok(!Number.isNaN(got[i]), `${what}[${i}] is NaN`);
    const d = Math.abs(got[i] - want[i]);
    assert.ok(d <= bound, `${what}[${i}]: ${got[i]} vs ${want[i]} (|diff| ${d} > ${bound})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

/** The bytes of a tensor's values, for bit-identity checks. */
export const bits = (t) => Buffer.from(t.toArray().buffer).toString('base64');

/** Central differences of f (a function of the Float64Array `x`, which it may read) at every index. */
export function numericGradient(f, x, eps) {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i];
    x[i] = keep + eps;
    const up = f();
    x[i] = keep - eps;
    const down = f();
    x[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** Sum of a[i] * b[i] in double precision. */
export function weightedSum(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
