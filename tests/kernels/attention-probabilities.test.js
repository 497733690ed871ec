// The backward's elementwise kernel (attention_backward_probabilities, SIMD) against its scalar
// twin, XNNPACK style: single keys, odd widths, vector tails, blocks starting past row 0, masks,
// causal rows, and rows that see no key.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { attentionProbabilities } from '../../dist/bindings/kernels/attention.js';
import { assertClose } from './sequence-checks.js';

/** A seeded generator of floats in [0, 1). */
function uniform(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * A block of (B, H, rows, cols) scores and dscores over T = row0 + rows + 2 query rows and S =
 * cols + 3 keys. lse is each row's log-sum-exp over its visible keys (so p sums to about 1), or
 * -Infinity for every row of head (0, 0) when `deadHead`. Hidden keys' dscores are NaN: the
 * kernels must select them away, not multiply.
 */
function block({ B, H, rows, cols, row0, causal, masked, deadHead, seed }) {
  const rand = uniform(seed);
  const T = row0 + rows + 2;
  const S = cols + 3;
  const mask = new Int32Array(B * S).map(() => (masked ? (rand() < 0.7 ? 1 : 0) : 1));
  const visible = (b, i, j) => mask[b * S + j] !== 0 && (!causal || j <= i);
  const scores = new Float32Array(B * H * rows * cols).map(() => 6 * rand() - 4);
  const dscores = new Float32Array(scores.length).map(() => 2 * rand() - 1);
  const lse = new Float32Array(B * H * T).fill(-Infinity);
  for (let n = 0; n < B * H; n++) {
    const b = Math.floor(n / H);
    for (let r = 0; r < rows; r++) {
      const i = row0 + r;
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const at = (n * rows + r) * cols + j;
        if (visible(b, i, j)) sum += Math.exp(scores[at]);
        else dscores[at] = NaN;
      }
      if (sum > 0 && !(deadHead && n === 0)) lse[n * T + i] = Math.log(sum);
    }
  }
  return {
    scores: wg.tensor(scores, [B, H, rows, cols]),
    dscores: wg.tensor(dscores, [B, H, rows, cols]),
    lse: wg.tensor(lse, [B, H, T]),
    mask: masked ? wg.tensor(mask, [B, S]) : null,
    dead: (n, r) => lse[n * T + row0 + r] === -Infinity,
    visible,
  };
}

describe('attention backward elementwise kernel: SIMD against the scalar reference', () => {
  let seed = 4000;
  const widths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 67];
  const cases = [];
  for (const cols of widths) {
    for (const [causal, masked] of [[false, false], [true, false], [false, true], [true, true]]) {
      cases.push({ B: 2, H: 2, rows: cols % 2 === 0 ? 3 : 5, cols, row0: cols % 3 === 0 ? 0 : 4, causal, masked, deadHead: cols === 9 });
    }
  }
  for (const c of cases) {
    const name = `(B, H, rows, cols) = (2, 2, ${c.rows}, ${c.cols}), row0 ${c.row0}` +
      `${c.causal ? ', causal' : ''}${c.masked ? ', padding mask' : ''}${c.deadHead ? ', a head seeing no key' : ''}`;
    it(name, () => {
      const x = block({ ...c, seed: seed++ });
      const opts = { row0: c.row0, causal: c.causal, keyPaddingMask: x.mask };
      const simd = attentionProbabilities(x.scores, x.dscores, x.lse, opts);
      const ref = attentionProbabilities(x.scores, x.dscores, x.lse, { ...opts, kernel: 'reference' });
      const [p, pr, ds, dsr] = [simd.p, ref.p, simd.ds, ref.ds].map((t) => t.toArray());
      // The fast exp differs from Mathf.exp by a few ulps; ds inherits that, and a delta summed in lanes.
      assertClose(p, pr, { atol: 0, rtol: 1e-6, what: 'p' });
      assertClose(ds, dsr, { atol: 1e-7, rtol: 1e-5, what: 'ds' });
      for (let n = 0; n < 4; n++) {
        for (let r = 0; r < c.rows; r++) {
          for (let j = 0; j < c.cols; j++) {
            const at = (n * c.rows + r) * c.cols + j;
            if (!x.dead(n, r) && x.visible(Math.floor(n / 2), c.row0 + r, j)) continue;
            assert.equal(p[at], 0, `p of hidden pair (${n}, ${r}, ${j})`);
            assert.equal(ds[at], 0, `ds of hidden pair (${n}, ${r}, ${j})`);
          }
        }
      }
    });
  }

  it('a visible row\'s ds sums to about 0, as sum(p (dp - delta)) = 0 with delta = p . dp / sum(p)', () => {
    const x = block({ B: 1, H: 1, rows: 7, cols: 67, row0: 0, causal: false, masked: true, deadHead: false, seed: seed++ });
    const { ds } = attentionProbabilities(x.scores, x.dscores, x.lse, { keyPaddingMask: x.mask });
    const d = ds.toArray();
    for (let r = 0; r < 7; r++) {
      const row = d.subarray(r * 67, (r + 1) * 67);
      assert.ok(Math.abs(row.reduce((a, v) => a + v, 0)) < 1e-6, `row ${r} sums to ${row.reduce((a, v) => a + v, 0)}`);
    }
  });

  it('refuses bad input naming the op and the shapes', () => {
    const s = wg.zeros([1, 2, 3, 4]);
    assert.throws(() => attentionProbabilities(s, wg.zeros([1, 2, 3, 5]), wg.zeros([1, 2, 3])),
      (e) => e instanceof wg.ShapeError && /attentionProbabilities: dscores must have shape/.test(e.message));
    assert.throws(() => attentionProbabilities(s, s, wg.zeros([1, 2, 3]), { row0: 1 }),
      (e) => e instanceof wg.ShapeError && /lse must be \(B, H, T\) = \[1, 2, T >= 4\]/.test(e.message));
    assert.throws(() => attentionProbabilities(s, s, wg.zeros([1, 2, 3]), { keyPaddingMask: wg.ones([1, 3], 'int32') }),
      (e) => e instanceof wg.ShapeError && /keyPaddingMask must be \(B, S\) = \[1, S >= 4\]/.test(e.message));
    assert.throws(() => attentionProbabilities(s, s, wg.zeros([1, 2, 3]), { kernel: 'scalar' }),
      (e) => e instanceof wg.ArgumentError && /kernel must be 'simd' or 'reference'/.test(e.message));
  });
});
