import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { attentionBackward, attentionForward } from '../../dist/bindings/kernels/attention.js';
import { gemm, setBroadcastLoads } from '../../dist/bindings/kernels/gemm.js';
import { assertClose, bits, maxAbs, numericGradient, weightedSum } from './sequence-checks.js';

let seed = 9000;
const randn = (shape, std = 1) => wg.randn(shape, { seed: seed++, std });
const f64 = (t) => Float64Array.from(t.toArray());

/** Which keys row i of batch b sees. */
function visibleKeys(b, i, S, causal, mask) {
  const keys = [];
  for (let j = 0; j < S; j++) if ((mask === null || mask[b * S + j] !== 0) && (!causal || j <= i)) keys.push(j);
  return keys;
}

/** softmax(scale q k^T + mask) v per head in double precision, each score row materialised. */
function referenceForward(x, dims, { causal = false, mask = null, scale }) {
  const { B, H, T, S, D, Dv } = dims;
  const out = new Float64Array(B * H * T * Dv);
  const lse = new Float64Array(B * H * T);
  const probs = [];
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let i = 0; i < T; i++) {
        const keys = visibleKeys(b, i, S, causal, mask);
        const s = keys.map((j) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += x.q[(bh * T + i) * D + d] * x.k[(bh * S + j) * D + d];
          return scale * dot;
        });
        const m = Math.max(...s);
        const e = s.map((v) => Math.exp(v - m));
        const sum = e.reduce((a, v) => a + v, 0);
        const p = e.map((v) => v / sum);
        probs.push({ bh, i, keys, p });
        lse[bh * T + i] = keys.length === 0 ? -Infinity : m + Math.log(sum);
        for (let n = 0; n < keys.length; n++) {
          for (let d = 0; d < Dv; d++) out[(bh * T + i) * Dv + d] += p[n] * x.v[(bh * S + keys[n]) * Dv + d];
        }
      }
    }
  }
  return { out, lse, probs };
}

function referenceBackward(x, dout, fwd, dims, scale) {
  const { B, H, T, S, D, Dv } = dims;
  const dq = new Float64Array(B * H * T * D);
  const dk = new Float64Array(B * H * S * D);
  const dv = new Float64Array(B * H * S * Dv);
  for (const { bh, i, keys, p } of fwd.probs) {
    const dp = keys.map((j) => {
      let s = 0;
      for (let d = 0; d < Dv; d++) s += dout[(bh * T + i) * Dv + d] * x.v[(bh * S + j) * Dv + d];
      return s;
    });
    const delta = p.reduce((a, v, n) => a + v * dp[n], 0);
    keys.forEach((j, n) => {
      const ds = scale * p[n] * (dp[n] - delta);
      for (let d = 0; d < D; d++) {
        dq[(bh * T + i) * D + d] += ds * x.k[(bh * S + j) * D + d];
        dk[(bh * S + j) * D + d] += ds * x.q[(bh * T + i) * D + d];
      }
      for (let d = 0; d < Dv; d++) dv[(bh * S + j) * Dv + d] += p[n] * dout[(bh * T + i) * Dv + d];
    });
  }
  return { dq, dk, dv };
}

function problem({ B, H, T, S, D, Dv }, std = 1) {
  const t = { q: randn([B, H, T, D], std), k: randn([B, H, S, D], std), v: randn([B, H, S, Dv]) };
  return { t, d: { q: f64(t.q), k: f64(t.k), v: f64(t.v) } };
}

const dimsOf = ([B, H, T, S, D, Dv]) => ({ B, H, T, S, D, Dv });

/** A (B, S) int32 mask keeping each key with probability 0.7, at least one per batch row. */
function randomMask(B, S) {
  const m = new Int32Array(B * S);
  let state = seed++;
  for (let i = 0; i < m.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    m[i] = state / 2147483648 < 0.7 ? 1 : 0;
  }
  for (let b = 0; b < B; b++) m[b * S] = 1;
  return m;
}

/** Runs fused (or reference) forward and backward and checks both against the double-precision reference. */
function checkAgainstReference(shape, { causal = false, masked = false, kernel = 'simd', mask = null } = {}) {
  const dims = dimsOf(shape);
  const { t, d } = problem(dims);
  const maskData = mask ?? (masked ? randomMask(dims.B, dims.S) : null);
  const keyPaddingMask = maskData !== null ? wg.tensor(maskData, [dims.B, dims.S]) : undefined;
  const scale = 1 / Math.sqrt(dims.D);
  const opts = { causal, keyPaddingMask, kernel };
  const fwd = attentionForward(t.q, t.k, t.v, opts);
  const ref = referenceForward(d, dims, { causal, mask: maskData, scale });
  let worst = assertClose(fwd.out.toArray(), ref.out, { atol: 1e-6, rtol: 2e-6, what: 'out' });
  assertClose(fwd.lse.toArray().map((v, i) => (ref.lse[i] === -Infinity && v === -Infinity ? 0 : v)),
    ref.lse.map((v) => (v === -Infinity ? 0 : v)), { atol: 1e-5, rtol: 1e-6, what: 'lse' });
  const dout = randn([dims.B, dims.H, dims.T, dims.Dv]);
  const grads = attentionBackward(dout, t.q, t.k, t.v, fwd.out, fwd.lse, opts);
  const want = referenceBackward(d, f64(dout), ref, dims, scale);
  for (const name of ['dq', 'dk', 'dv']) {
    worst = Math.max(worst, assertClose(grads[name].toArray(), want[name], { atol: 1e-6, rtol: 1e-5, what: name }));
  }
  return worst;
}

describe('attention kernels: against softmax(q k^T scale + mask) v in double precision', () => {
  const shapes = [
    [1, 1, 1, 1, 1, 1], [1, 2, 5, 7, 3, 2], [2, 3, 17, 65, 8, 8], [1, 2, 70, 130, 64, 32], [2, 1, 9, 4, 5, 11],
    [1, 1, 3, 200, 13, 7],
  ];
  for (const kernel of ['simd', 'reference']) {
    for (const causal of [false, true]) {
      for (const shape of shapes) {
        it(`${kernel}${causal ? ', causal' : ''}: (B, H, T, S, D, Dv) = (${shape.join(', ')})`, function () {
          this.test.title += `: max |diff| ${checkAgainstReference(shape, { causal, kernel }).toExponential(2)}`;
        });
      }
    }
  }
  for (const causal of [false, true]) {
    it(`key padding mask${causal ? ' with causal' : ''}, (2, 2, 33, 70, 12, 9)`, function () {
      this.test.title += `: max |diff| ${checkAgainstReference([2, 2, 33, 70, 12, 9], { causal, masked: true }).toExponential(2)}`;
    });
  }
});

describe('attention kernels: the forward\'s tiles of 128 queries x 128 keys', () => {
  const cases = [
    { shape: [1, 2, 129, 256, 16, 8], what: 'T one past a query block, S two whole key tiles' },
    { shape: [2, 1, 128, 129, 7, 9], what: 'T one whole block, S one past a tile, odd D and Dv' },
    { shape: [1, 1, 70, 90, 300, 5], what: 'D = 300 summed in two K blocks' },
    { shape: [1, 2, 150, 40, 8, 8], what: 'T > S: causal rows past S see every key' },
    { shape: [1, 1, 1, 300, 3, 1], what: 'a single query over three tiles, Dv = 1' },
  ];
  for (const { shape, what } of cases) {
    for (const causal of [false, true]) {
      it(`${what}: (B, H, T, S, D, Dv) = (${shape.join(', ')})${causal ? ', causal' : ''}`, function () {
        this.test.title += `: max |diff| ${checkAgainstReference(shape, { causal }).toExponential(2)}`;
      });
    }
  }

  it('sums each score as the GEMM the backward recomputes it with does, to the bit (D = 300, two K blocks)', () => {
    // With one visible key, l = 1 and lse = m + log 1 is that key's score exactly.
    const [H, T, S, D, kept] = [2, 5, 7, 300, 3];
    const [q, k, v] = [randn([1, H, T, D]), randn([1, H, S, D]), randn([1, H, S, 4])];
    const mask = wg.tensor(new Int32Array(S).map((_, j) => (j === kept ? 1 : 0)), [1, S]);
    const scale = 0.37;
    const lse = attentionForward(q, k, v, { keyPaddingMask: mask, scale }).lse.toArray();
    const [qd, kd] = [q.toArray(), k.toArray()];
    for (let h = 0; h < H; h++) {
      const scores = gemm({
        a: wg.tensor(qd.subarray(h * T * D, (h + 1) * T * D), [T, D]),
        b: wg.tensor(kd.subarray(h * S * D, (h + 1) * S * D), [S, D]), transB: true, alpha: scale,
      }).toArray();
      for (let i = 0; i < T; i++) assert.equal(lse[h * T + i], scores[i * S + kept], `head ${h} row ${i}`);
    }
  });

  for (const causal of [false, true]) {
    it(`key tiles the padding mask hides entirely are skipped${causal ? ', causal' : ''}: (2, 2, 100, 400, 12, 10)`, () => {
      const S = 400;
      const mask = new Int32Array(2 * S);
      // Batch 0 keeps keys 0..127 and 384..399 (tiles 1 and 2 hidden); batch 1 keeps key 399 only.
      for (let j = 0; j < S; j++) mask[j] = j < 128 || j >= 384 ? 1 : 0;
      mask[S + 399] = 1;
      checkAgainstReference([2, 2, 100, S, 12, 10], { causal, mask });
    });
  }
});

describe('attention kernels: gradients against finite differences', () => {
  for (const [causal, masked] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`(B, H, T, S, D, Dv) = (2, 2, 3, 4, 3, 2)${causal ? ', causal' : ''}${masked ? ', padding mask' : ''}`, () => {
      const dims = dimsOf([2, 2, 3, 4, 3, 2]);
      const { t, d } = problem(dims);
      const mask = masked ? new Int32Array([1, 0, 1, 1, 0, 1, 1, 0]) : null;
      const keyPaddingMask = masked ? wg.tensor(mask, [2, 4]) : null;
      const scale = 0.7;
      const w = randn([2, 2, 3, 2]);
      const wd = f64(w);
      const fwd = attentionForward(t.q, t.k, t.v, { causal, keyPaddingMask, scale });
      const grads = attentionBackward(w, t.q, t.k, t.v, fwd.out, fwd.lse, { causal, keyPaddingMask, scale });
      const loss = () => weightedSum(referenceForward(d, dims, { causal, mask, scale }).out, wd);
      for (const name of ['q', 'k', 'v']) {
        assertClose(grads[`d${name}`].toArray(), numericGradient(loss, d[name], 1e-6), { atol: 2e-6, rtol: 2e-6, what: `d${name}` });
      }
    });
  }
});

describe('attention kernels: masks', () => {
  it('masked keys are as if absent, whatever their k and v hold (NaN included)', () => {
    const dims = dimsOf([2, 2, 6, 9, 5, 4]);
    const { t } = problem(dims);
    const keep = [0, 2, 3, 7];
    const maskData = new Float32Array(2 * 9);
    for (const b of [0, 1]) for (const j of keep) maskData[b * 9 + j] = 1;
    // Poison the hidden keys' rows.
    const k = t.k.toArray();
    const v = t.v.toArray();
    for (let bh = 0; bh < 4; bh++) {
      for (let j = 0; j < 9; j++) {
        if (keep.includes(j)) continue;
        k.fill(NaN, (bh * 9 + j) * 5, (bh * 9 + j + 1) * 5);
        v.fill(1e30, (bh * 9 + j) * 4, (bh * 9 + j + 1) * 4);
      }
    }
    const kp = wg.tensor(k, [2, 2, 9, 5]);
    const vp = wg.tensor(v, [2, 2, 9, 4]);
    const select = (x, width) => {
      const out = new Float32Array(4 * keep.length * width);
      for (let bh = 0; bh < 4; bh++) {
        keep.forEach((j, n) => out.set(x.subarray((bh * 9 + j) * width, (bh * 9 + j + 1) * width), (bh * keep.length + n) * width));
      }
      return out;
    };
    const kc = wg.tensor(select(k, 5), [2, 2, keep.length, 5]);
    const vc = wg.tensor(select(v, 4), [2, 2, keep.length, 4]);
    const masked = attentionForward(t.q, kp, vp, { keyPaddingMask: wg.tensor(maskData, [2, 9]) });
    const dropped = attentionForward(t.q, kc, vc);
    assertClose(masked.out.toArray(), dropped.out.toArray(), { atol: 1e-6, rtol: 1e-6, what: 'out' });
    const dout = randn([2, 2, 6, 4]);
    const gm = attentionBackward(dout, t.q, kp, vp, masked.out, masked.lse, { keyPaddingMask: wg.tensor(maskData, [2, 9]) });
    const gd = attentionBackward(dout, t.q, kc, vc, dropped.out, dropped.lse);
    assertClose(gm.dq.toArray(), gd.dq.toArray(), { atol: 1e-6, rtol: 1e-5, what: 'dq' });
    assertClose(select(gm.dk.toArray(), 5), gd.dk.toArray(), { atol: 1e-6, rtol: 1e-5, what: 'dk' });
    assertClose(select(gm.dv.toArray(), 4), gd.dv.toArray(), { atol: 1e-6, rtol: 1e-5, what: 'dv' });
    const dk = gm.dk.toArray();
    const dv = gm.dv.toArray();
    for (let bh = 0; bh < 4; bh++) {
      for (let j = 0; j < 9; j++) {
        if (keep.includes(j)) continue;
        assert.ok(dk.subarray((bh * 9 + j) * 5, (bh * 9 + j + 1) * 5).every((x) => x === 0), `dk of hidden key ${j}`);
        assert.ok(dv.subarray((bh * 9 + j) * 4, (bh * 9 + j + 1) * 4).every((x) => x === 0), `dv of hidden key ${j}`);
      }
    }
  });

  it('int32 and float32 masks give the same bits', () => {
    const dims = dimsOf([2, 1, 7, 11, 6, 6]);
    const { t } = problem(dims);
    const m = randomMask(2, 11);
    const a = attentionForward(t.q, t.k, t.v, { causal: true, keyPaddingMask: wg.tensor(m, [2, 11]) });
    const b = attentionForward(t.q, t.k, t.v, { causal: true, keyPaddingMask: wg.tensor(Float32Array.from(m), [2, 11]) });
    assert.equal(bits(a.out), bits(b.out));
  });

  for (const kernel of ['simd', 'reference']) {
    it(`${kernel}: a row that sees no key gives out 0, lse -Infinity, zero gradients and no NaN`, () => {
      const dims = dimsOf([2, 2, 5, 6, 4, 3]);
      const { t, d } = problem(dims);
      // Batch 1 hides every key; batch 0 hides key 0, so with causal its row 0 sees nothing.
      const mask = new Int32Array([0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      const opts = { causal: true, keyPaddingMask: wg.tensor(mask, [2, 6]), kernel };
      const fwd = attentionForward(t.q, t.k, t.v, opts);
      const out = fwd.out.toArray();
      const lse = fwd.lse.toArray();
      const dead = (b, i) => b === 1 || i === 0;
      for (let b = 0; b < 2; b++) {
        for (let h = 0; h < 2; h++) {
          for (let i = 0; i < 5; i++) {
            const row = out.subarray(((b * 2 + h) * 5 + i) * 3, ((b * 2 + h) * 5 + i + 1) * 3);
            if (dead(b, i)) {
              assert.deepEqual(Array.from(row), [0, 0, 0], `out row (${b}, ${h}, ${i})`);
              assert.equal(lse[(b * 2 + h) * 5 + i], -Infinity);
            } else {
              assert.ok(Number.isFinite(lse[(b * 2 + h) * 5 + i]));
            }
          }
        }
      }
      const dout = randn([2, 2, 5, 3]);
      const g = attentionBackward(dout, t.q, t.k, t.v, fwd.out, fwd.lse, opts);
      for (const name of ['dq', 'dk', 'dv']) assert.ok(g[name].toArray().every(Number.isFinite), `${name} has NaN or Inf`);
      assert.ok(g.dq.toArray().subarray(2 * 5 * 4).every((x) => x === 0), 'dq of batch 1 must be 0');
      assert.ok(g.dk.toArray().subarray(2 * 6 * 4).every((x) => x === 0), 'dk of batch 1 must be 0');
      const want = referenceBackward(d, f64(dout), referenceForward(d, dims, { causal: true, mask, scale: 0.5 }), dims, 0.5);
      assertClose(g.dk.toArray(), want.dk, { atol: 1e-6, rtol: 1e-5, what: 'dk' });
    });
  }
});

describe('attention kernels: T = 1000 with scores near 1e4', () => {
  for (const causal of [false, true]) {
    it(`no overflow, and out, lse and gradients match${causal ? ' (causal)' : ''}`, () => {
      const dims = dimsOf([1, 1, 1000, 1000, 16, 8]);
      // q . k has standard deviation 50 * 50 * 4 = 1e4.
      const { t, d } = problem(dims, 50);
      const fwd = attentionForward(t.q, t.k, t.v, { causal, scale: 1 });
      const out = fwd.out.toArray();
      const lse = fwd.lse.toArray();
      assert.ok(out.every(Number.isFinite) && lse.every(Number.isFinite), 'non-finite output');
      assert.ok(maxAbs(lse) > 1e3, `scores are not large: max |lse| ${maxAbs(lse)}`);
      const ref = referenceForward(d, dims, { causal, scale: 1 });
      // A score of 1e4 carries float32 rounding of about 1e-3, and exp turns that into relative error in p.
      assertClose(out, ref.out, { atol: 0, rtol: 1e-2, what: 'out' });
      assertClose(lse, ref.lse, { atol: 0, rtol: 1e-6, what: 'lse' });
      const dout = randn([1, 1, 1000, 8]);
      const g = attentionBackward(dout, t.q, t.k, t.v, fwd.out, fwd.lse, { causal, scale: 1 });
      const want = referenceBackward(d, f64(dout), ref, dims, 1);
      for (const name of ['dq', 'dk', 'dv']) {
        assert.ok(g[name].toArray().every(Number.isFinite), `${name} is not finite`);
        assertClose(g[name].toArray(), want[name], { atol: 0, rtol: 2e-2, what: name });
      }
    });
  }
});

describe('attention kernels: layouts', () => {
  it('q, k, v as head-split views of (B, T, H*D) give the same bits as contiguous copies', () => {
    const [B, H, T, S, D] = [2, 3, 10, 12, 8];
    const view = (rows) => {
      const flat = randn([B, rows, H, D]);
      flat.storage.retain();
      return new wg.Tensor(flat.storage, [B, H, rows, D], 'float32', [rows * H * D, D, H * D, 1], 0);
    };
    const [q, k, v] = [view(T), view(S), view(S)];
    const dense = (x) => wg.tensor(x.toArray(), x.shape);
    const a = attentionForward(q, k, v, { causal: true });
    const b = attentionForward(dense(q), dense(k), dense(v), { causal: true });
    assert.equal(bits(a.out), bits(b.out));
    const dout = randn([B, H, T, D]);
    const ga = attentionBackward(dout, q, k, v, a.out, a.lse, { causal: true });
    const gb = attentionBackward(dout, dense(q), dense(k), dense(v), b.out, b.lse, { causal: true });
    for (const name of ['dq', 'dk', 'dv']) assert.equal(bits(ga[name]), bits(gb[name]), name);
  });

  it('one k and v shared by every head (stride 0 over heads) equals the repeated tensors', () => {
    const [B, H, T, S, D] = [2, 4, 7, 9, 6];
    const q = randn([B, H, T, D]);
    const k1 = randn([B, 1, S, D]);
    const v1 = randn([B, 1, S, D]);
    const shared = (x) => {
      x.storage.retain();
      return new wg.Tensor(x.storage, [B, H, S, D], 'float32', [S * D, 0, D, 1], 0);
    };
    const repeated = (x) => wg.tensor(shared(x).toArray(), [B, H, S, D]);
    const a = attentionForward(q, shared(k1), shared(v1));
    const b = attentionForward(q, repeated(k1), repeated(v1));
    assert.equal(bits(a.out), bits(b.out));
    const dout = randn([B, H, T, D]);
    const ga = attentionBackward(dout, q, shared(k1), shared(v1), a.out, a.lse);
    const gb = attentionBackward(dout, q, repeated(k1), repeated(v1), b.out, b.lse);
    for (const name of ['dq', 'dk', 'dv']) assert.equal(bits(ga[name]), bits(gb[name]), name);
  });

  it('many heads over long keys: the backward runs in groups of heads and equals the reference kernel', () => {
    // 16 heads of 8 x 20000 scores do not fit the backward's scratch at once: they go in two groups.
    const [B, H, T, S, D] = [2, 8, 8, 20000, 4];
    const [q, k, v] = [randn([B, H, T, D]), randn([B, H, S, D]), randn([B, H, S, D])];
    const dout = randn([B, H, T, D]);
    const opts = { keyPaddingMask: wg.tensor(randomMask(B, S), [B, S]) };
    const fwd = attentionForward(q, k, v, opts);
    const fused = attentionBackward(dout, q, k, v, fwd.out, fwd.lse, opts);
    const ref = attentionBackward(dout, q, k, v, fwd.out, fwd.lse, { ...opts, kernel: 'reference' });
    for (const name of ['dq', 'dk', 'dv']) {
      assertClose(fused[name].toArray(), ref[name].toArray(), { atol: 1e-6, rtol: 1e-4, what: name });
    }
  });
});

describe('attention kernels: the same bits for 1, 2, 3 and 4 threads', () => {
  after(() => wg.setNumThreads(2));

  for (const causal of [false, true]) {
    it(`forward and backward${causal ? ', causal' : ''}, with a padding mask, over several blocks of query rows and key tiles`, async () => {
      const dims = dimsOf([2, 3, 300, 260, 20, 12]);
      const { t } = problem(dims);
      const opts = { causal, keyPaddingMask: wg.tensor(randomMask(2, 260), [2, 260]) };
      const dout = randn([2, 3, 300, 12]);
      const seen = [];
      for (const n of [1, 2, 3, 4]) {
        await wg.setNumThreads(n);
        const fwd = attentionForward(t.q, t.k, t.v, opts);
        const g = attentionBackward(dout, t.q, t.k, t.v, fwd.out, fwd.lse, opts);
        seen.push([fwd.out, fwd.lse, g.dq, g.dk, g.dv].map(bits).join('|'));
      }
      assert.equal(seen[1], seen[0], '2 threads differ from 1');
      assert.equal(seen[2], seen[0], '3 threads differ from 1');
      assert.equal(seen[3], seen[0], '4 threads differ from 1');
    });
  }
});

describe('attention kernels: the micro-kernel\'s two ways of splatting A', () => {
  it('give the same bits, forward and backward (broadcast loads in Node, shuffles in Deno and Bun)', () => {
    const dims = dimsOf([2, 3, 150, 140, 20, 12]);
    const { t } = problem(dims);
    const dout = randn([2, 3, 150, 12]);
    const seen = [true, false].map((broadcast) => {
      const old = setBroadcastLoads(broadcast);
      try {
        const fwd = attentionForward(t.q, t.k, t.v, { causal: true });
        const g = attentionBackward(dout, t.q, t.k, t.v, fwd.out, fwd.lse, { causal: true });
        return [fwd.out, fwd.lse, g.dq, g.dk, g.dv].map(bits).join('|');
      } finally {
        setBroadcastLoads(old);
      }
    });
    assert.equal(seen[0], seen[1]);
  });
});

describe('attention kernels: a sweep of sizes on 1 to 4 threads', () => {
  after(() => wg.setNumThreads(2));

  // Outputs stay alive through the sweep, so the memory grows between ops and per-thread scratch
  // keeps landing in freshly grown pages: a worker must see them as the caller does.
  it('32 random shapes, causal or not, masked or not: the same bits on every thread count', async () => {
    let state = 4242;
    const below = (n) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * n);
    };
    const cases = Array.from({ length: 32 }, () => {
      const [B, H, T, S] = [1 + below(2), 1 + below(3), 1 + below(300), 1 + below(300)];
      const dims = { B, H, T, S, D: 1 + below(70), Dv: 1 + below(40) };
      const masked = below(2) === 1;
      return {
        dims, ...problem(dims),
        opts: { causal: below(2) === 1, keyPaddingMask: masked ? wg.tensor(randomMask(B, S), [B, S]) : undefined },
      };
    });
    const seen = [];
    const kept = [];
    for (const n of [1, 2, 3, 4]) {
      await wg.setNumThreads(n);
      seen.push(cases.map(({ t, opts }) => {
        const fwd = attentionForward(t.q, t.k, t.v, opts);
        kept.push(fwd.out, fwd.lse);
        return `${bits(fwd.out)}|${bits(fwd.lse)}`;
      }));
    }
    for (let n = 2; n <= 4; n++) {
      const differs = cases.findIndex((_, i) => seen[n - 1][i] !== seen[0][i]);
      assert.equal(differs, -1, `${n} threads differ from 1 at (B, H, T, S, D, Dv) = ${differs < 0 ? '' : Object.values(cases[differs].dims).join(', ')}`);
    }
    for (const t of kept) t.dispose();
  });
});

describe('attention kernels: argument errors', () => {
  const expectError = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message));

  it('names the op and the shapes', () => {
    const q = wg.zeros([2, 3, 4, 5]);
    const k = wg.zeros([2, 3, 6, 5]);
    const v = wg.zeros([2, 3, 6, 7]);
    expectError(() => attentionForward(wg.zeros([3, 4, 5]), k, v), wg.ShapeError, /attentionForward: q, k, v must be 4-D.*q \[3, 4, 5\]/);
    expectError(() => attentionForward(q, wg.zeros([2, 3, 6, 4]), v), wg.ShapeError,
      /attentionForward: k must be \(B, H, S, D\) = \[2, 3, S, 5\].*k \[2, 3, 6, 4\]/);
    expectError(() => attentionForward(q, k, wg.zeros([2, 3, 5, 7])), wg.ShapeError,
      /attentionForward: v must be \(B, H, S, Dv\) = \[2, 3, 6, Dv\]/);
    expectError(() => attentionForward(q, k, v, { keyPaddingMask: wg.zeros([2, 5], 'int32') }), wg.ShapeError,
      /attentionForward: keyPaddingMask must have shape \(B, S\) = \[2, 6\], got \[2, 5\]/);
    const { out, lse } = attentionForward(q, k, v);
    expectError(() => attentionBackward(wg.zeros([2, 3, 4, 5]), q, k, v, out, lse), wg.ShapeError,
      /attentionBackward: dout must have shape \(B, H, T, Dv\) = \[2, 3, 4, 7\], got \[2, 3, 4, 5\]/);
    expectError(() => attentionBackward(out, q, k, v, out, wg.zeros([2, 3])), wg.ShapeError,
      /attentionBackward: lse must have shape \(B, H, T\) = \[2, 3, 4\], got \[2, 3\]/);
  });

  it('names the op, the dtype and bad options', () => {
    const q = wg.zeros([1, 1, 2, 2]);
    expectError(() => attentionForward(wg.zeros([1, 1, 2, 2], 'int32'), q, q), wg.DTypeError,
      /attentionForward: q must be float32, got int32/);
    expectError(() => attentionForward(q, q, q, { scale: NaN }), wg.ArgumentError, /scale must be a finite number/);
    expectError(() => attentionForward(q, q, q, { causal: 1 }), wg.ArgumentError, /causal must be a boolean/);
    expectError(() => attentionForward(q, q, q, { kernel: 'flash' }), wg.ArgumentError, /kernel must be 'simd' or 'reference'/);
  });
});
