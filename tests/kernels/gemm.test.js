import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { gemm, setBroadcastLoads } from '../../dist/bindings/kernels/gemm.js';
import { engine } from '../../dist/bindings/runtime/engine.js';

const SIZES = [1, 3, 7, 17, 63, 65, 257];
const F32_EPS = 2 ** -23;

let seed = 100;
const randn = (shape) => wg.randn(shape, { seed: seed++ });

function maxAbs(x) {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

function maxAbsDiff(x, y) {
  assert.equal(x.length, y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    assert.equal(Number.isNaN(x[i]), Number.isNaN(y[i]), `NaN mismatch at ${i}: ${x[i]} vs ${y[i]}`);
    if (!Number.isNaN(x[i])) m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m;
}

/** Sums in a different order round differently: allow a few ulps per term of the sum. */
function tolerance(k, expected) {
  return 4 * F32_EPS * Math.max(k, 1) * (1 + maxAbs(expected));
}

/** Runs the SIMD kernel and the scalar reference on copies of c; returns the max |difference|. */
function compareWithReference(opts, k) {
  const cData = opts.c?.toArray();
  const copyC = () => (cData === undefined ? undefined : wg.tensor(cData, opts.c.shape));
  const ours = gemm({ ...opts, c: copyC() }).toArray();
  const ref = gemm({ ...opts, c: copyC(), kernel: 'reference' }).toArray();
  const diff = maxAbsDiff(ours, ref);
  assert.ok(diff <= tolerance(k, ref), `max |diff| ${diff} above ${tolerance(k, ref)}`);
  return diff;
}

/** A (rows, cols) view into a wider matrix: row stride `ld` > cols, starting one element in. */
function strided(rows, cols, ld) {
  const big = randn([rows + 1, ld]);
  return new wg.Tensor(big.storage, [rows, cols], 'float32', [ld, 1], 1);
}

const bits = (t) => Buffer.from(t.toArray().buffer).toString('base64');

describe('gemm: SIMD kernel against the scalar reference', () => {
  for (const M of SIZES) {
    for (const N of SIZES) {
      it(`M=${M} N=${N}, K in {1, 7, 65, 257}`, function () {
        const diffs = [];
        for (const K of [1, 7, 65, 257]) {
          diffs.push(compareWithReference({ a: randn([M, K]), b: randn([K, N]) }, K));
        }
        this.test.title += `: max |diff| ${Math.max(...diffs).toExponential(2)}`;
      });
    }
  }

  const transposeCases = [[1, 1, 1], [3, 7, 17], [17, 63, 65], [65, 17, 3], [63, 65, 257], [257, 63, 7], [7, 257, 65], [257, 65, 300]];
  for (const [transA, transB] of [[true, false], [false, true], [true, true]]) {
    for (const [M, N, K] of transposeCases) {
      const name = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
      it(`${name} M=${M} N=${N} K=${K}`, function () {
        const a = randn(transA ? [K, M] : [M, K]);
        const b = randn(transB ? [N, K] : [K, N]);
        const diff = compareWithReference({ a, b, transA, transB }, K);
        this.test.title += `: max |diff| ${diff.toExponential(2)}`;
      });
    }
  }

  it('K = 600 spans several K blocks', function () {
    const diff = compareWithReference({ a: randn([65, 600]), b: randn([600, 63]) }, 600);
    this.test.title += `: max |diff| ${diff.toExponential(2)}`;
  });

  // assembly/gemm.ts walks row strips outer where the packed B panel is at most 256 KiB, column strips outer above.
  it('a B panel over 256 KiB (K = 200, N = 400) walks column strips outer', function () {
    const diff = compareWithReference({ a: randn([37, 200]), b: randn([200, 400]), bias: randn([400]) }, 200);
    this.test.title += `: max |diff| ${diff.toExponential(2)}`;
  });

  it('K = 1100 spans three K blocks of the relaxed flavour\'s KC (512)', function () {
    const diff = compareWithReference({ a: randn([9, 1100]), b: randn([1100, 17]), bias: randn([17]) }, 1100);
    this.test.title += `: max |diff| ${diff.toExponential(2)}`;
  });

  // The relaxed flavour splits a block's rows into strips of 5 and 4 (assembly/gemm.ts, tallRows):
  // every M here splits differently, some with a ragged strip, some over two blocks of 100.
  const stripRows = [2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 19, 99, 100, 101, 104, 199];
  for (const [transA, transB] of [[false, false], [true, true]]) {
    it(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} M in {${stripRows.join(', ')}}, N=9 and 24, K=3 and 70`, function () {
      const diffs = [];
      for (const M of stripRows) {
        for (const N of [9, 24]) {
          for (const K of [3, 70]) {
            const a = randn(transA ? [K, M] : [M, K]);
            const b = randn(transB ? [N, K] : [K, N]);
            diffs.push(compareWithReference({ a, b, transA, transB, c: randn([M, N]), beta: -0.5 }, K));
          }
        }
      }
      this.test.title += `: max |diff| ${Math.max(...diffs).toExponential(2)}`;
    });
  }

  it('the reference itself matches a float64 triple loop', () => {
    const [M, N, K] = [5, 6, 7];
    const a = randn([M, K]);
    const b = randn([K, N]);
    const ref = gemm({ a, b, kernel: 'reference' }).toArray();
    const x = a.toArray();
    const y = b.toArray();
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += x[i * K + k] * y[k * N + j];
        assert.ok(Math.abs(ref[i * N + j] - s) < 1e-5, `(${i}, ${j}): ${ref[i * N + j]} vs ${s}`);
      }
    }
  });
});

describe('gemm: alpha, beta, leading dimensions, epilogue', () => {
  it('alpha and beta scale the product and the old C', function () {
    const diff = compareWithReference(
      { a: randn([17, 65]), b: randn([65, 63]), c: randn([17, 63]), alpha: -1.5, beta: 0.25 }, 65,
    );
    this.test.title += `: max |diff| ${diff.toExponential(2)}`;
  });

  it('beta = 0 never reads C, so NaN garbage there does not leak', () => {
    for (const [M, N, K] of [[17, 63, 65], [4, 8, 300], [3, 5, 2]]) {
      const a = randn([M, K]);
      const b = randn([K, N]);
      const ours = gemm({ a, b, c: wg.full([M, N], NaN), beta: 0, alpha: 2 }).toArray();
      const ref = gemm({ a, b, c: wg.full([M, N], NaN), beta: 0, alpha: 2, kernel: 'reference' }).toArray();
      assert.ok(ours.every((v) => Number.isFinite(v)), `NaN in the output of ${M}x${N}x${K}`);
      assert.ok(maxAbsDiff(ours, ref) <= tolerance(K, ref));
    }
  });

  it('K = 0 gives beta * C + bias', () => {
    const c = wg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const bias = wg.tensor([10, 20, 30]);
    const out = gemm({ a: wg.empty([2, 0]), b: wg.empty([0, 3]), c, beta: 2, bias }).toArray();
    assert.deepEqual(Array.from(out), [12, 24, 36, 18, 30, 42]);
  });

  it('leading dimensions wider than the matrix (sub-matrix views), all transposes', function () {
    const diffs = [];
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const [M, N, K] = [17, 63, 65];
      const a = transA ? strided(K, M, M + 5) : strided(M, K, K + 3);
      const b = transB ? strided(N, K, K + 9) : strided(K, N, N + 1);
      const c = strided(M, N, N + 7);
      diffs.push(compareWithReference({ a, b, c, transA, transB, beta: 0.5 }, K));
      // The view must give the same bits as the same numbers made contiguous.
      const dense = gemm({ a: wg.tensor(a.toArray(), a.shape), b: wg.tensor(b.toArray(), b.shape), transA, transB });
      const viewed = gemm({ a, b, transA, transB });
      assert.equal(bits(viewed), bits(dense));
    }
    this.test.title += `: max |diff| ${Math.max(...diffs).toExponential(2)}`;
  });

  it('a transposed view (column-major strides) equals transA on the contiguous matrix', () => {
    const [M, N, K] = [63, 17, 65];
    const at = randn([K, M]);
    const view = new wg.Tensor(at.storage, [M, K], 'float32', [1, M], 0);
    const b = randn([K, N]);
    assert.equal(bits(gemm({ a: view, b })), bits(gemm({ a: at, b, transA: true })));
  });

  it('bias, full and edge tiles', function () {
    const [M, N, K] = [65, 63, 17];
    const a = randn([M, K]);
    const b = randn([K, N]);
    const bias = randn([N]);
    const opts = { a, b, bias, alpha: 0.5 };
    const diff = compareWithReference(opts, K);
    // The epilogue itself, against float64 math on the plain product.
    const plain = gemm({ a, b, alpha: 0.5 }).toArray();
    const biasValues = bias.toArray();
    const fused = gemm(opts).toArray();
    let worst = 0;
    for (let i = 0; i < M * N; i++) {
      worst = Math.max(worst, Math.abs(fused[i] - (plain[i] + biasValues[i % N])));
    }
    assert.ok(worst < 1e-5 * (1 + maxAbs(plain)), `epilogue off by ${worst}`);
    this.test.title += `: max |diff| ${diff.toExponential(2)}, vs float64 ${worst.toExponential(2)}`;
  });
});

/** float64 matmul of row-major arrays with NumPy rules, written out independently of the library. */
function referenceMatmul(a, b) {
  const x = a.toArray();
  const y = b.toArray();
  const as = a.ndim === 1 ? [1, a.shape[0]] : a.shape;
  const bs = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const [M, K] = as.slice(-2);
  const N = bs[bs.length - 1];
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const nb = Math.max(ba.length, bb.length);
  const pa = [...Array(nb - ba.length).fill(1), ...ba];
  const pb = [...Array(nb - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => (d === 1 ? pb[i] : d));
  const count = batch.reduce((p, d) => p * d, 1);
  const out = new Float64Array(count * M * N);
  for (let n = 0; n < count; n++) {
    let rest = n;
    let offA = 0;
    let offB = 0;
    let strideA = 1;
    let strideB = 1;
    for (let d = nb - 1; d >= 0; d--) {
      const idx = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
      offA += (pa[d] === 1 ? 0 : idx) * strideA;
      offB += (pb[d] === 1 ? 0 : idx) * strideB;
      strideA *= pa[d];
      strideB *= pb[d];
    }
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += x[offA * M * K + i * K + k] * y[offB * K * N + k * N + j];
        out[n * M * N + i * N + j] = s;
      }
    }
  }
  return out;
}

describe('matmul: NumPy rules', () => {
  const cases = [
    [[7], [7], []],
    [[7], [7, 5], [5]],
    [[3, 7], [7], [3]],
    [[7], [4, 7, 5], [4, 5]],
    [[4, 3, 7], [7], [4, 3]],
    [[17, 65], [65, 63], [17, 63]],
    [[6, 17, 9], [9, 13], [6, 17, 13]],
    [[17, 9], [6, 9, 13], [6, 17, 13]],
    [[2, 1, 5, 9], [3, 9, 4], [2, 3, 5, 4]],
    [[2, 3, 5, 9], [1, 3, 9, 4], [2, 3, 5, 4]],
    [[1, 3, 5, 9], [2, 1, 9, 4], [2, 3, 5, 4]],
    [[8, 33, 64], [8, 64, 33], [8, 33, 33]],
    [[0, 3, 4], [4, 2], [0, 3, 2]],
  ];
  for (const [sa, sb, expected] of cases) {
    it(`${JSON.stringify(sa)} @ ${JSON.stringify(sb)} -> ${JSON.stringify(expected)}`, function () {
      const a = randn(sa);
      const b = randn(sb);
      const out = wg.matmul(a, b);
      assert.deepEqual(out.shape, expected);
      const want = referenceMatmul(a, b);
      const diff = maxAbsDiff(out.toArray(), want);
      const k = sa[sa.length - 1];
      assert.ok(diff <= tolerance(k, want), `max |diff| ${diff}`);
      this.test.title += `: max |diff| vs float64 ${diff.toExponential(2)}`;
    });
  }

  it('reads a transposed view through its strides', () => {
    const bt = randn([5, 9]);
    const view = new wg.Tensor(bt.storage, [9, 5], 'float32', [1, 9], 0);
    const a = randn([4, 9]);
    const want = wg.matmul(a, wg.tensor(view.toArray(), [9, 5]));
    assert.equal(bits(wg.matmul(a, view)), bits(want));
  });
});

describe('gemm and matmul: the same bits on 1, 2, 3 and 4 threads', () => {
  after(async () => wg.setNumThreads(2));

  const jobs = {
    'square 257 with bias': () => {
      seed = 7000;
      return gemm({ a: randn([257, 257]), b: randn([257, 257]), bias: randn([257]) });
    },
    'TT 130x200x600, beta 0.5': () => {
      seed = 7100;
      return gemm({ a: randn([600, 130]), b: randn([200, 600]), c: randn([130, 200]), transA: true, transB: true, beta: 0.5 });
    },
    'few rows, many columns (column split) 3x1000x700': () => {
      seed = 7200;
      return gemm({ a: randn([3, 700]), b: randn([700, 1000]) });
    },
    'batched with a broadcast operand [5,33,150] @ [150,45]': () => {
      seed = 7300;
      return wg.matmul(randn([5, 33, 150]), randn([150, 45]));
    },
  };
  for (const [name, job] of Object.entries(jobs)) {
    it(name, async () => {
      const seen = [];
      for (const n of [1, 2, 3, 4]) {
        await wg.setNumThreads(n);
        const pool = engine().pool;
        if (pool !== null) pool.widestOp = 0;
        seen.push(bits(job()));
        // Each product must be big enough to earn every thread, or the comparison proves nothing.
        if (pool !== null && n > 1) assert.equal(pool.widestOp, n, `the product ran on ${pool.widestOp} threads, not ${n}`);
      }
      for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[0], `${i + 1} threads differ from 1`);
    });
  }
});

describe('gemm: the two ways of splatting A give the same bits', () => {
  // The micro-kernel splats A by broadcast loads in Node and by shuffles elsewhere (Deno, Bun):
  // both must match the reference and each other, bit for bit, at k = 1, odd sizes and tails.
  const run = (broadcast, opts) => {
    const old = setBroadcastLoads(broadcast);
    try {
      return gemm(opts);
    } finally {
      setBroadcastLoads(old);
    }
  };
  const cases = [[1, 1, 1], [3, 7, 1], [17, 63, 7], [65, 17, 65], [63, 65, 257], [257, 63, 600]];
  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const [M, N, K] of cases) {
      it(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} M=${M} N=${N} K=${K}, with bias and beta`, function () {
        const opts = {
          a: randn(transA ? [K, M] : [M, K]), b: randn(transB ? [N, K] : [K, N]), c: randn([M, N]),
          bias: randn([N]), transA, transB, alpha: 0.75, beta: 0.5,
        };
        const cData = opts.c.toArray();
        const fresh = () => ({ ...opts, c: wg.tensor(cData, [M, N]) });
        const shuffled = run(false, fresh()).toArray();
        const broadcast = run(true, fresh()).toArray();
        assert.equal(Buffer.from(broadcast.buffer).toString('base64'), Buffer.from(shuffled.buffer).toString('base64'));
        const ref = gemm({ ...fresh(), kernel: 'reference' }).toArray();
        const diff = maxAbsDiff(shuffled, ref);
        assert.ok(diff <= tolerance(K, ref), `max |diff| ${diff} above ${tolerance(K, ref)}`);
        this.test.title += `: max |diff| ${diff.toExponential(2)}`;
      });
    }
  }
});

describe('gemm and matmul: bad input', () => {
  it('mismatched inner dims', () => {
    assert.throws(() => gemm({ a: wg.zeros([3, 4]), b: wg.zeros([5, 6]) }), (e) =>
      e instanceof wg.ShapeError && /gemm/.test(e.message) && /\[3, 4\]/.test(e.message) && /\[5, 6\]/.test(e.message));
    assert.throws(() => gemm({ a: wg.zeros([3, 4]), b: wg.zeros([3, 6]), transA: true, transB: true }), wg.ShapeError);
    assert.throws(() => wg.matmul(wg.zeros([2, 3, 4]), wg.zeros([5, 6])), (e) =>
      e instanceof wg.ShapeError && /matmul/.test(e.message) && /\[2, 3, 4\]/.test(e.message));
    assert.throws(() => wg.matmul(wg.zeros([2, 3, 4]), wg.zeros([3, 4, 6])), (e) =>
      e instanceof wg.ShapeError && /broadcast/.test(e.message));
    assert.throws(() => wg.matmul(wg.zeros([3]), wg.zeros([4])), wg.ShapeError);
    assert.throws(() => wg.matmul(wg.tensor(2), wg.zeros([4])), wg.ShapeError);
  });

  it('int32 inputs', () => {
    assert.throws(() => gemm({ a: wg.zeros([3, 4], 'int32'), b: wg.zeros([4, 6]) }), (e) =>
      e instanceof wg.DTypeError && /gemm/.test(e.message) && /int32/.test(e.message));
    assert.throws(() => wg.matmul(wg.zeros([3, 4]), wg.zeros([4, 6], 'int32')), (e) =>
      e instanceof wg.DTypeError && /matmul/.test(e.message));
  });

  it('bad c, bias and options', () => {
    const a = wg.zeros([3, 4]);
    const b = wg.zeros([4, 6]);
    assert.throws(() => gemm({ a, b, c: wg.zeros([3, 5]) }), (e) => e instanceof wg.ShapeError && /\[3, 6\]/.test(e.message));
    assert.throws(() => gemm({ a, b, bias: wg.zeros([5]) }), (e) => e instanceof wg.ShapeError && /bias/.test(e.message));
    assert.throws(() => gemm({ a, b, activation: 'relu' }), (e) => e instanceof wg.ArgumentError && /unknown option activation/.test(e.message));
    assert.throws(() => gemm({ a, b, beta: 1 }), wg.ArgumentError);
    const square = wg.zeros([4, 4]);
    assert.throws(() => gemm({ a: square, b: wg.zeros([4, 4]), c: square }), (e) => e instanceof wg.ArgumentError && /alias/.test(e.message));
    assert.throws(() => gemm({ a: wg.zeros([4]), b }), wg.ShapeError);
    const broadcastRows = new wg.Tensor(a.storage, [3, 4], 'float32', [0, 1], 0);
    assert.throws(() => gemm({ a: broadcastRows, b }), (e) => e instanceof wg.ShapeError && /strides/.test(e.message));
  });
});
