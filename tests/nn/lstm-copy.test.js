// The learning criterion: a 1-layer LSTM learns to output, at step t of a 50-step
// sequence of random bits, the bit it read at step t - DELAY. A memoryless model can do no better
// than chance (50%); the LSTM must carry each bit DELAY steps in its state.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';

const [T, B, DELAY, HIDDEN] = [50, 32, 8, 24];

/** A batch of random bits as inputs ±1 (B, T, 1) and targets, the bit DELAY steps back (B, T - DELAY, 1). */
function batch(rnd) {
  const bits = Array.from({ length: B * T }, () => (rnd() < 0.5 ? 0 : 1));
  const x = wg.tensor(bits.map((b) => 2 * b - 1), [B, T, 1]);
  const target = new Float32Array(B * (T - DELAY));
  for (let b = 0; b < B; b++) for (let t = DELAY; t < T; t++) target[b * (T - DELAY) + t - DELAY] = bits[b * T + t - DELAY];
  return { x, y: wg.tensor(target, [B, T - DELAY, 1]) };
}

function seeded(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('LSTM learns a delayed copy', function () {
  this.timeout(120000);

  it(`copies the bit from ${DELAY} steps back over ${T} steps, well above chance`, () => {
    const lstm = new wg.nn.LSTM(1, HIDDEN, { batchFirst: true, seed: 7 });
    const head = new wg.nn.Linear(HIDDEN, 1, { seed: 8 });
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new wg.optim.Adam(params, { lr: 2e-2 });
    const logitsOf = (x) => head.forward(wg.narrow(lstm.forward(x).output, 1, DELAY, T - DELAY));
    const rnd = seeded(1);
    const started = Date.now();
    let steps = 0;
    for (; steps < 400; steps++) {
      const loss = wg.scope(() => {
        const { x, y } = batch(rnd);
        opt.zeroGrad();
        const l = wg.bceWithLogits(logitsOf(x), y);
        l.backward();
        wg.optim.clipGradNorm(params, 1);
        opt.step();
        return l.item();
      });
      if (loss < 0.02) break;
    }
    const accuracy = wg.scope(() => wg.noGrad(() => {
      const { x, y } = batch(seeded(99));
      const predicted = logitsOf(x).toArray();
      const truth = y.toArray();
      return predicted.filter((p, i) => (p > 0 ? 1 : 0) === truth[i]).length / truth.length;
    }));
    console.log(`      ${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s, held-out accuracy ${(100 * accuracy).toFixed(1)}%`);
    assert.ok(accuracy > 0.95, `accuracy ${accuracy}`);
    opt.zeroGrad();
    lstm.dispose();
    head.dispose();
  });
});
