import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { lstmBackward, lstmForward } from '../../dist/bindings/kernels/lstm.js';
import { assertClose, bits, numericGradient, weightedSum } from './sequence-checks.js';

let seed = 7000;
const randn = (shape, std = 1) => wg.randn(shape, { seed: seed++, std });
const f64 = (t) => Float64Array.from(t.toArray());
const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/** An LSTM in plain double-precision JS, gate by gate: the unfused yardstick. p holds Float64Arrays. */
function referenceForward(p, T, B, I, H) {
  const h = [p.h0 ?? new Float64Array(B * H)];
  const c = [p.c0 ?? new Float64Array(B * H)];
  const acts = [];
  for (let t = 0; t < T; t++) {
    const a = new Float64Array(B * 4 * H);
    const hn = new Float64Array(B * H);
    const cn = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < 4 * H; r++) {
        let s = (p.bIh?.[r] ?? 0) + (p.bHh?.[r] ?? 0);
        for (let k = 0; k < I; k++) s += p.x[(t * B + b) * I + k] * p.wIh[r * I + k];
        for (let k = 0; k < H; k++) s += h[t][b * H + k] * p.wHh[r * H + k];
        a[b * 4 * H + r] = r < 2 * H || r >= 3 * H ? sigmoid(s) : Math.tanh(s);
      }
      for (let j = 0; j < H; j++) {
        const [i, f, g, o] = [0, 1, 2, 3].map((q) => a[b * 4 * H + q * H + j]);
        cn[b * H + j] = f * c[t][b * H + j] + i * g;
        hn[b * H + j] = o * Math.tanh(cn[b * H + j]);
      }
    }
    acts.push(a);
    h.push(hn);
    c.push(cn);
  }
  const y = new Float64Array(T * B * H);
  for (let t = 0; t < T; t++) y.set(h[t + 1], t * B * H);
  return { y, hn: h[T], cn: c[T], h, c, acts };
}

function referenceBackward(p, fwd, g, T, B, I, H) {
  const out = {
    dx: new Float64Array(T * B * I), dWih: new Float64Array(4 * H * I), dWhh: new Float64Array(4 * H * H),
    db: new Float64Array(4 * H),
  };
  let dhNext = g.dhn ?? new Float64Array(B * H);
  let dcNext = g.dcn ?? new Float64Array(B * H);
  for (let t = T - 1; t >= 0; t--) {
    const da = new Float64Array(B * 4 * H);
    const dcPrev = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const [i, f, gg, o] = [0, 1, 2, 3].map((q) => fwd.acts[t][b * 4 * H + q * H + j]);
        const at = b * H + j;
        const dh = (g.dy?.[t * B * H + at] ?? 0) + dhNext[at];
        const tc = Math.tanh(fwd.c[t + 1][at]);
        const dc = dcNext[at] + dh * o * (1 - tc * tc);
        da[b * 4 * H + j] = dc * gg * i * (1 - i);
        da[b * 4 * H + H + j] = dc * fwd.c[t][at] * f * (1 - f);
        da[b * 4 * H + 2 * H + j] = dc * i * (1 - gg * gg);
        da[b * 4 * H + 3 * H + j] = dh * tc * o * (1 - o);
        dcPrev[at] = dc * f;
      }
    }
    const dhPrev = new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < 4 * H; r++) {
        const d = da[b * 4 * H + r];
        out.db[r] += d;
        for (let k = 0; k < I; k++) {
          out.dWih[r * I + k] += d * p.x[(t * B + b) * I + k];
          out.dx[(t * B + b) * I + k] += d * p.wIh[r * I + k];
        }
        for (let k = 0; k < H; k++) {
          out.dWhh[r * H + k] += d * fwd.h[t][b * H + k];
          dhPrev[b * H + k] += d * p.wHh[r * H + k];
        }
      }
    }
    dhNext = dhPrev;
    dcNext = dcPrev;
  }
  return { ...out, dh0: dhNext, dc0: dcNext };
}

/** Random LSTM inputs as tensors and as double arrays. `std` spreads the weights (and so the gates). */
function problem(T, B, I, H, { std = 0.5, state = true, bias = true } = {}) {
  const t = {
    x: randn([T, B, I]), wIh: randn([4 * H, I], std), wHh: randn([4 * H, H], std),
    h0: state ? randn([B, H]) : null, c0: state ? randn([B, H]) : null,
    bIh: bias ? randn([4 * H], std) : null, bHh: bias ? randn([4 * H], std) : null,
  };
  const d = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? null : f64(v)]));
  return { t, d };
}

const run = (t, opts) => lstmForward(t.x, t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh, opts);
const GRAD_NAMES = [['dx', 'dx'], ['dh0', 'dh0'], ['dc0', 'dc0'], ['dWih', 'dWih'], ['dWhh', 'dWhh'], ['dbIh', 'db'], ['dbHh', 'db']];

describe('lstm kernels: forward and backward against an unfused double-precision LSTM', () => {
  const cases = [[1, 1, 1, 1], [3, 2, 3, 4], [4, 3, 5, 7], [6, 5, 9, 13], [2, 8, 16, 32], [5, 1, 33, 17]];
  for (const kernel of ['simd', 'reference']) {
    for (const [T, B, I, H] of cases) {
      it(`${kernel}: T=${T} B=${B} I=${I} H=${H}`, function () {
        const { t, d } = problem(T, B, I, H);
        const fwd = run(t, { kernel });
        const ref = referenceForward(d, T, B, I, H);
        const tol = { atol: 2e-6, rtol: 2e-6 };
        let worst = assertClose(fwd.y.toArray(), ref.y, { ...tol, what: 'y' });
        worst = Math.max(worst, assertClose(fwd.hn.toArray(), ref.hn, { ...tol, what: 'hn' }));
        worst = Math.max(worst, assertClose(fwd.cn.toArray(), ref.cn, { ...tol, what: 'cn' }));
        const g = { dy: randn([T, B, H]), dhn: randn([B, H]), dcn: randn([B, H]) };
        const grads = lstmBackward(g.dy, g.dhn, g.dcn, fwd.saved);
        const want = referenceBackward(d, ref, { dy: f64(g.dy), dhn: f64(g.dhn), dcn: f64(g.dcn) }, T, B, I, H);
        for (const [ours, theirs] of GRAD_NAMES) {
          worst = Math.max(worst, assertClose(grads[ours].toArray(), want[theirs], { atol: 1e-5, rtol: 1e-5, what: ours }));
        }
        this.test.title += `: max |diff| ${worst.toExponential(2)}`;
      });
    }
  }

  it('saturated gates (weights with std 8) stay finite and match', () => {
    const [T, B, I, H] = [4, 3, 6, 9];
    const { t, d } = problem(T, B, I, H, { std: 8 });
    const fwd = run(t);
    const ref = referenceForward(d, T, B, I, H);
    assertClose(fwd.y.toArray(), ref.y, { atol: 2e-6, rtol: 2e-6, what: 'y' });
    const dy = randn([T, B, H]);
    const grads = lstmBackward(dy, null, null, fwd.saved);
    const want = referenceBackward(d, ref, { dy: f64(dy) }, T, B, I, H);
    assertClose(grads.dWhh.toArray(), want.dWhh, { atol: 1e-4, rtol: 1e-5, what: 'dWhh' });
  });

  it('absent h0, c0, biases and output gradients count as zeros', () => {
    const [T, B, I, H] = [3, 2, 4, 5];
    const { t, d } = problem(T, B, I, H, { state: false, bias: false });
    const fwd = run(t);
    const ref = referenceForward(d, T, B, I, H);
    assertClose(fwd.y.toArray(), ref.y, { atol: 2e-6, rtol: 2e-6, what: 'y' });
    // Only hn carries a gradient: dy and dcn absent.
    const dhn = randn([B, H]);
    const grads = lstmBackward(null, dhn, null, fwd.saved);
    const want = referenceBackward(d, ref, { dhn: f64(dhn) }, T, B, I, H);
    for (const [ours, theirs] of GRAD_NAMES) assertClose(grads[ours].toArray(), want[theirs], { atol: 1e-5, rtol: 1e-5, what: ours });
  });

  it('one bias alone is used as given', () => {
    const [T, B, I, H] = [2, 2, 3, 4];
    const { t, d } = problem(T, B, I, H);
    const fwd = lstmForward(t.x, t.h0, t.c0, t.wIh, t.wHh, null, t.bHh);
    const ref = referenceForward({ ...d, bIh: null }, T, B, I, H);
    assertClose(fwd.y.toArray(), ref.y, { atol: 2e-6, rtol: 2e-6, what: 'y' });
  });

  it('a time-major view of batch-first input (non-contiguous x) gives the same bits', () => {
    const [T, B, I, H] = [4, 3, 5, 6];
    const { t } = problem(T, B, I, H);
    const batchFirst = randn([B, T, I]);
    batchFirst.storage.retain();
    const view = new wg.Tensor(batchFirst.storage, [T, B, I], 'float32', [I, T * I, 1], 0);
    const dense = wg.tensor(view.toArray(), [T, B, I]);
    const a = lstmForward(view, t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh);
    const b = lstmForward(dense, t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh);
    assert.equal(bits(a.y), bits(b.y));
    const dy = randn([T, B, H]);
    assert.equal(bits(lstmBackward(dy, null, null, a.saved).dx), bits(lstmBackward(dy, null, null, b.saved).dx));
  });

  it('backward leaves the caller\'s dy, dhn and dcn untouched', () => {
    const [T, B, I, H] = [2, 2, 3, 4];
    const { t } = problem(T, B, I, H);
    const fwd = run(t);
    const g = { dy: randn([T, B, H]), dhn: randn([B, H]), dcn: randn([B, H]) };
    const before = Object.fromEntries(Object.entries(g).map(([k, v]) => [k, bits(v)]));
    lstmBackward(g.dy, g.dhn, g.dcn, fwd.saved);
    for (const k of Object.keys(g)) assert.equal(bits(g[k]), before[k], k);
  });
});

describe('lstm kernels: gradients against finite differences (T=3, B=2, I=3, H=4)', () => {
  const [T, B, I, H] = [3, 2, 3, 4];
  const inputs = ['x', 'h0', 'c0', 'wIh', 'wHh', 'bIh', 'bHh'];

  it('the double-precision reference backward matches central differences of its forward', () => {
    const { d } = problem(T, B, I, H);
    const wy = f64(randn([T, B, H]));
    const wh = f64(randn([B, H]));
    const wc = f64(randn([B, H]));
    const loss = () => {
      const r = referenceForward(d, T, B, I, H);
      return weightedSum(r.y, wy) + weightedSum(r.hn, wh) + weightedSum(r.cn, wc);
    };
    const g = referenceBackward(d, referenceForward(d, T, B, I, H), { dy: wy, dhn: wh, dcn: wc }, T, B, I, H);
    const analytic = { x: g.dx, h0: g.dh0, c0: g.dc0, wIh: g.dWih, wHh: g.dWhh, bIh: g.db, bHh: g.db };
    for (const name of inputs) {
      assertClose(analytic[name], numericGradient(loss, d[name], 1e-6), { atol: 1e-7, rtol: 1e-7, what: name });
    }
  });

  it('the fused kernels\' backward matches central differences of their float32 forward', () => {
    const { t, d } = problem(T, B, I, H);
    const w = { y: randn([T, B, H]), hn: randn([B, H]), cn: randn([B, H]) };
    const wd = { y: f64(w.y), hn: f64(w.hn), cn: f64(w.cn) };
    const grads = lstmBackward(w.y, w.hn, w.cn, run(t).saved);
    const analytic = { x: grads.dx, h0: grads.dh0, c0: grads.dc0, wIh: grads.dWih, wHh: grads.dWhh, bIh: grads.dbIh, bHh: grads.dbHh };
    for (const name of inputs) {
      const values = d[name];
      const loss = () => {
        const perturbed = { ...t, [name]: wg.tensor(Float32Array.from(values), t[name].shape) };
        const r = run(perturbed);
        return weightedSum(r.y.toArray(), wd.y) + weightedSum(r.hn.toArray(), wd.hn) + weightedSum(r.cn.toArray(), wd.cn);
      };
      // float32 forward: eps large enough that rounding (~1e-7 |L| / eps) stays well under the tolerance.
      assertClose(analytic[name].toArray(), numericGradient(loss, values, 1e-2), { atol: 2e-3, rtol: 2e-3, what: name });
    }
  });
});

describe('lstm kernels: the same bits for 1, 2 and 3 threads', () => {
  after(() => wg.setNumThreads(2));

  it('forward and backward, B=20 H=132 (every kernel splits over 3 threads)', async () => {
    const [T, B, I, H] = [3, 20, 40, 132];
    const { t } = problem(T, B, I, H);
    const g = { dy: randn([T, B, H]), dhn: randn([B, H]), dcn: randn([B, H]) };
    const seen = [];
    for (const n of [1, 2, 3]) {
      await wg.setNumThreads(n);
      const fwd = run(t);
      const grads = lstmBackward(g.dy, g.dhn, g.dcn, fwd.saved);
      seen.push([fwd.y, fwd.cn, ...Object.values(grads)].map(bits).join('|'));
    }
    assert.equal(seen[1], seen[0], '2 threads differ from 1');
    assert.equal(seen[2], seen[0], '3 threads differ from 1');
  });
});

describe('lstm kernels: argument errors', () => {
  const [T, B, I, H] = [2, 3, 4, 5];
  let t;
  before(() => {
    t = problem(T, B, I, H).t;
  });
  const expectError = (fn, type, pattern) => assert.throws(fn, (e) => e instanceof type && pattern.test(e.message));

  it('names the op and the shapes', () => {
    expectError(() => lstmForward(wg.zeros([T, B]), t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh), wg.ShapeError,
      /lstmForward: x must be \(T, B, I\), got shape \[2, 3\]/);
    expectError(() => lstmForward(t.x, t.h0, t.c0, wg.zeros([4 * H, I + 1]), t.wHh, t.bIh, t.bHh), wg.ShapeError,
      /lstmForward: wIh must have shape \(4H, I\).*= \[20, 4\], got \[20, 5\]/);
    expectError(() => lstmForward(t.x, t.h0, t.c0, t.wIh, wg.zeros([4 * H, H + 1]), t.bIh, t.bHh), wg.ShapeError,
      /lstmForward: wHh must be \(4H, H\), got shape \[20, 6\]/);
    expectError(() => lstmForward(t.x, wg.zeros([B + 1, H]), t.c0, t.wIh, t.wHh, t.bIh, t.bHh), wg.ShapeError,
      /lstmForward: h0 must have shape \(B, H\) = \[3, 5\], got \[4, 5\]/);
    expectError(() => lstmForward(t.x, t.h0, t.c0, t.wIh, t.wHh, wg.zeros([H]), t.bHh), wg.ShapeError,
      /lstmForward: bIh must have shape \(4H\)/);
    expectError(() => lstmForward(wg.zeros([0, B, I]), t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh), wg.ShapeError,
      /at least one time step/);
    const fwd = run(t);
    expectError(() => lstmBackward(wg.zeros([T, B, H + 1]), null, null, fwd.saved), wg.ShapeError,
      /lstmBackward: dy must have shape \(T, B, H\) = \[2, 3, 5\], got \[2, 3, 6\]/);
  });

  it('names the op and the dtype', () => {
    expectError(() => lstmForward(wg.zeros([T, B, I], 'int32'), t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh), wg.DTypeError,
      /lstmForward: x must be float32, got int32/);
    expectError(() => lstmForward(t.x, t.h0, t.c0, t.wIh, t.wHh, t.bIh, t.bHh, { kernel: 'fast' }), wg.ArgumentError,
      /kernel must be 'simd' or 'reference'/);
  });

  it('refuses a disposed saved state', () => {
    const fwd = run(t);
    fwd.saved.dispose();
    assert.throws(() => lstmBackward(null, null, null, fwd.saved), wg.DisposedError);
  });
});
