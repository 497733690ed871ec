// Property tests of the LSTM: the fused kernels (SIMD GEMM and one fused cell kernel per step)
// against the unfused scalar composition (kernel: 'reference': reference GEMM and scalar cell
// kernels), forward and backward, over random sizes, with or without initial states, biases and
// each incoming gradient. Both are held to 2e-6 (forward) and 1e-5 (gradients) of a double
// precision LSTM by tests/kernels/lstm.test.js, so they may differ by the sum.
import fc from 'fast-check';
import * as wg from '../../dist/bindings/index.js';
import { lstmBackward, lstmForward } from '../../dist/bindings/kernels/lstm.js';
import { assertClose } from '../kernels/sequence-checks.js';
import { check, dim, RUNS, seed } from './property-check.js';

const GRADIENTS = ['dx', 'dh0', 'dc0', 'dWih', 'dWhh', 'dbIh', 'dbHh'];

describe(`property tests: LSTM (${RUNS} cases per family)`, () => {
  it('fused forward and backward equal the unfused scalar composition', () => {
    const arb = fc.record({
      T: dim(6), B: dim(4), I: dim(10), H: dim(12), state: fc.boolean(), bias: fc.boolean(),
      dy: fc.boolean(), dhn: fc.boolean(), dcn: fc.boolean(), s: seed,
    });
    check('lstm', arb, ({ T, B, I, H, state, bias, dy, dhn, dcn, s }) => {
      const randn = (shape, i, std = 1) => wg.randn(shape, { seed: s + i, std });
      const x = randn([T, B, I], 0), wIh = randn([4 * H, I], 1, 0.5), wHh = randn([4 * H, H], 2, 0.5);
      const h0 = state ? randn([B, H], 3) : null, c0 = state ? randn([B, H], 4) : null;
      const bIh = bias ? randn([4 * H], 5, 0.5) : null, bHh = bias ? randn([4 * H], 6, 0.5) : null;
      const what = `T=${T} B=${B} I=${I} H=${H} state=${state} bias=${bias}`;
      const run = (kernel) => lstmForward(x, h0, c0, wIh, wHh, bIh, bHh, { kernel });
      const fused = run('simd');
      const ref = run('reference');
      for (const name of ['y', 'hn', 'cn']) {
        assertClose(fused[name].toArray(), ref[name].toArray(), { atol: 4e-6, rtol: 4e-6, what: `${name} of ${what}` });
      }
      const g = {
        dy: dy ? randn([T, B, H], 7) : null, dhn: dhn ? randn([B, H], 8) : null, dcn: dcn ? randn([B, H], 9) : null,
      };
      const ours = lstmBackward(g.dy, g.dhn, g.dcn, fused.saved);
      const want = lstmBackward(g.dy, g.dhn, g.dcn, ref.saved);
      for (const name of GRADIENTS) {
        assertClose(ours[name].toArray(), want[name].toArray(), { atol: 2e-5, rtol: 2e-5, what: `${name} of ${what}, dy ${dy} dhn ${dhn} dcn ${dcn}` });
      }
      fused.saved.dispose();
      ref.saved.dispose();
    });
  });
});
