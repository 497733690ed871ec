// CI-sized soak: 2,000 training steps in a scope keep the wasm memory, the live tensors and bytes
// exactly flat, and the JS heap within a tolerance (the collector and the JIT move it a little).
// `npm run soak` runs the same loop for 20,000 steps, under --expose-gc.
import assert from 'node:assert/strict';
import { formatSoak, soak } from '../../scripts/soak-loop.mjs';

describe('soak: a scoped training loop stays flat', () => {
  it('2,000 steps: pages, live tensors and live bytes within 1%, JS heap within 10%', () => {
    const r = soak(2000, 1000);
    console.log(formatSoak(r).replace(/^/gm, '      '));
    for (const k of ['pages', 'liveTensors', 'liveBytes']) {
      assert.ok(Math.abs(r.growth[k]) <= 0.01, `${k} grew by ${(100 * r.growth[k]).toFixed(2)}%`);
    }
    assert.ok(r.growth.heapUsed <= 0.1, `the JS heap grew by ${(100 * r.growth.heapUsed).toFixed(2)}%`);
    assert.ok(r.lastLoss < r.firstLoss / 10, `the model did not learn: loss ${r.firstLoss} -> ${r.lastLoss}`);
  });
});
