// Property tests of attention: the fused kernels (online softmax, scores never held) against the
// reference kernels (each score row materialised with plain loops), forward (out and lse) and
// backward (dq, dk, dv), over random sizes (T != S included), scales, causal masks and key padding
// masks (int32 or float32, rows that see no key included). Both are held to out 1e-6 + 2e-6 max,
// lse 1e-5, gradients 1e-6 + 1e-5 max of a double precision reference by
// tests/kernels/attention.test.js, so they may differ by the sum.
import fc from 'fast-check';
import * as wg from '../../dist/bindings/index.js';
import { attentionBackward, attentionForward } from '../../dist/bindings/kernels/attention.js';
import { assertClose } from '../kernels/sequence-checks.js';
import { check, dim, RUNS, seed } from './property-check.js';

/** lse of a row that sees no key is -Infinity in both: compare those as equal. */
const finite = (lse) => lse.map((v) => (v === -Infinity ? 0 : v));

describe(`property tests: attention (${RUNS} cases per family)`, () => {
  it('fused forward and backward equal the reference kernels, with causal and key padding masks', () => {
    const arb = fc.record({
      B: dim(2), H: dim(2), T: dim(20), S: dim(20), D: dim(16), Dv: dim(16), causal: fc.boolean(),
      mask: fc.constantFrom(null, 'int32', 'float32'), keep: fc.double({ min: 0, max: 1, noNaN: true }),
      scale: fc.constantFrom(undefined, 0.1, 1), s: seed,
    });
    check('attention', arb, ({ B, H, T, S, D, Dv, causal, mask, keep, scale, s }) => {
      const q = wg.randn([B, H, T, D], { seed: s }), k = wg.randn([B, H, S, D], { seed: s + 1 });
      const v = wg.randn([B, H, S, Dv], { seed: s + 2 });
      // Each key kept with probability `keep`: at 0 every row sees no key.
      const keyPaddingMask = mask === null ? null
        : wg.tensor(Array.from(wg.rand([B, S], { seed: s + 3 }).toArray(), (r) => (r < keep ? 1 : 0)), [B, S], mask);
      const what = `(B, H, T, S, D, Dv) = (${B}, ${H}, ${T}, ${S}, ${D}, ${Dv}), causal ${causal}, mask ${mask} keep ${keep.toFixed(2)}, scale ${scale}`;
      const run = (kernel) => {
        const opts = { causal, keyPaddingMask, kernel, ...(scale === undefined ? {} : { scale }) };
        const fwd = attentionForward(q, k, v, opts);
        const dout = wg.randn([B, H, T, Dv], { seed: s + 4 });
        return { ...fwd, ...attentionBackward(dout, q, k, v, fwd.out, fwd.lse, opts) };
      };
      const fused = run('simd');
      const ref = run('reference');
      assertClose(fused.out.toArray(), ref.out.toArray(), { atol: 2e-6, rtol: 4e-6, what: `out of ${what}` });
      assertClose(finite(fused.lse.toArray()), finite(ref.lse.toArray()), { atol: 2e-5, rtol: 2e-6, what: `lse of ${what}` });
      // dq and dk come from dS = P * (dP - rowsum(P * dP)), dP = dout vᵀ: where the two terms
      // nearly cancel, either kernel's rounding is of dP's size, not of the small result's (a case
      // with |dP| ~ 6 and |dq| ~ 0.004 drew 1.6e-6 from the reference's own float64 value).
      const dP = wg.matmul(wg.randn([B, H, T, Dv], { seed: s + 4 }), wg.transpose(v)).abs().max().item();
      for (const name of ['dq', 'dk', 'dv']) {
        const atol = name === 'dv' ? 2e-6 : 2e-6 * Math.max(1, dP);
        assertClose(fused[name].toArray(), ref[name].toArray(), { atol, rtol: 2e-5, what: `${name} of ${what}` });
      }
    });
  });
});
