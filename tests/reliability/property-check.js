// Shared by the property test files: the case count, the per-family runner that reports it, and
// the arbitraries every family draws from. WASMGRAD_PROPERTY_RUNS cases per family (100 in
// `npm test`, 1000 in `npm run test:property`).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as wg from '../../dist/bindings/index.js';

export const RUNS = Number(process.env.WASMGRAD_PROPERTY_RUNS ?? 100);

/** Runs a property in a scope per case (nothing leaks however it fails) and counts the cases. */
export function check(family, arbitrary, body) {
  let cases = 0;
  fc.assert(fc.property(arbitrary, (input) => {
    cases++;
    wg.scope(() => body(input));
  }), { numRuns: RUNS });
  console.log(`      ${family}: ${cases} cases`);
  assert.ok(cases >= RUNS);
}

export const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });
export const dim = (max, min = 1) => fc.integer({ min, max });
export const shapeOf = (rank, max) => fc.array(dim(max), { minLength: rank[0], maxLength: rank[1] });
/** Values of varied magnitude: uniform in ±scale. */
export const values = (shape, s, scale = 1) => wg.rand(shape, { seed: s, low: -scale, high: scale });
/** [h, w] with each from min to max. */
export const pairOf = (max, min = 1) => fc.tuple(dim(max, min), dim(max, min));
