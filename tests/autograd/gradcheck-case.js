// One mocha case per gradient check: runs wg.gradcheck on fresh inputs, prints the worst
// difference, and frees the inputs.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

export function check(name, fn, inputs, opts) {
  it(name, () => {
    const xs = inputs();
    const result = wg.gradcheck(fn, xs, { verbose: false, ...opts });
    const worst = Math.max(...result.inputs.map((r) => r.maxAbsDiff));
    console.log(`      ${name}: max |analytic - numeric| = ${worst.toExponential(2)}`);
    assert.ok(result.ok, JSON.stringify(result.inputs));
    xs.forEach((x) => x.dispose());
  });
}
