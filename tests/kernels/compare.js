// Helpers shared by the kernel tests: seeded inputs, and error measurement against a reference.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

export const SIZES = [1, 3, 7, 17, 63, 65, 257];

/** A float32 tensor of uniform values in [lo, hi), seeded. */
export function uniform(shape, seed, lo = -1, hi = 1) {
  return wg.rand(shape, { seed, low: lo, high: hi });
}

function sameSpecial(g, w) {
  return (Number.isNaN(g) && Number.isNaN(w)) || g === w;
}

/** Largest absolute and relative differences, ignoring elements that are exactly equal (or both NaN). */
export function maxError(got, want) {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < want.length; i++) {
    if (sameSpecial(got[i], want[i])) continue;
    const d = Math.abs(got[i] - want[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(want[i]), 1e-30));
  }
  return { abs, rel };
}

/** Every element within abs + rel * |want|; NaN must meet NaN and infinities must be equal. */
export function assertClose(got, want, { abs = 0, rel = 0 }, label) {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (sameSpecial(got[i], want[i])) continue;
    const ok = Number.isFinite(got[i]) && Number.isFinite(want[i]) &&
      Math.abs(got[i] - want[i]) <= abs + rel * Math.abs(want[i]);
    assert.ok(ok, `${label}: element ${i} is ${got[i]}, expected ${want[i]} (tolerance abs ${abs}, rel ${rel})`);
  }
}

/** Runs `make` on 1, 2 and 3 threads and asserts the three results have the same bits. */
export async function assertThreadInvariant(make, label) {
  const results = [];
  for (const n of [1, 2, 3]) {
    await wg.setNumThreads(n);
    const t = make();
    results.push(new Uint32Array(t.toArray().buffer));
    t.dispose();
  }
  await wg.setNumThreads(2);
  assert.deepEqual(results[1], results[0], `${label}: 2 threads differ from 1`);
  assert.deepEqual(results[2], results[0], `${label}: 3 threads differ from 1`);
}
