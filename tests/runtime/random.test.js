import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

function moments(x) {
  let m = 0;
  let v = 0;
  for (const q of x) m += q;
  m /= x.length;
  for (const q of x) v += (q - m) ** 2;
  return [m, v / x.length];
}

describe('seeded random numbers', () => {
  afterEach(async () => wg.setNumThreads(2));

  it('randn has mean 0 and variance 1', () => {
    const [m, v] = moments(wg.randn([100001], { seed: 7 }).toArray());
    assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 0.02, `variance ${v}`);
  });

  it('rand is uniform in [low, high)', () => {
    const x = wg.rand([100000], { seed: 3, low: -2, high: 6 }).toArray();
    assert.ok(x.every((q) => q >= -2 && q < 6));
    const [m, v] = moments(x);
    assert.ok(Math.abs(m - 2) < 0.05, `mean ${m}`);
    assert.ok(Math.abs(v - 64 / 12) < 0.1, `variance ${v}`);
  });

  it('the same seed gives the same bits on 1 and 2 threads', async () => {
    await wg.setNumThreads(1);
    const one = wg.randn([300001], { seed: 42 }).toArray();
    await wg.setNumThreads(2);
    const two = wg.randn([300001], { seed: 42 }).toArray();
    assert.deepEqual(two, one);
  });

  it('pins the first values of seed 1, so every runtime can be checked against them', () => {
    const x = Array.from(wg.randn([4], { seed: 1 }).toArray());
    assert.deepEqual(x, [-1.0865592956542969, -0.7009990811347961, -0.4459370970726013, 0.20488108694553375]);
  });

  it('different seeds give different numbers, and manualSeed makes unseeded draws repeat', () => {
    assert.notDeepEqual(wg.randn([8], { seed: 1 }).toArray(), wg.randn([8], { seed: 2 }).toArray());
    wg.manualSeed(9);
    const a = [wg.randn([8]).toArray(), wg.randn([8]).toArray()];
    wg.manualSeed(9);
    const b = [wg.randn([8]).toArray(), wg.randn([8]).toArray()];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0], a[1]);
  });

  it('refuses bad seeds', () => {
    assert.throws(() => wg.randn([2], { seed: -1 }), wg.ArgumentError);
    assert.throws(() => wg.randn([2], { seed: 1.5 }), wg.ArgumentError);
  });
});
