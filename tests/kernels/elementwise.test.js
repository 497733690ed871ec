import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { Tensor } from '../../dist/bindings/tensor.js';
import { BACKWARD_INPUT, UNARY_OPS, binary, unary, unaryBackward, where } from '../../dist/bindings/kernels/elementwise.js';
import { SIZES, assertClose, assertThreadInvariant, maxError, uniform } from './compare.js';
import { UNARY_CASES } from './unary-cases.js';

const BACKWARD_TOL = {
  exp: { rel: 1.2e-7 }, log: { rel: 1.2e-7 }, sqrt: { rel: 1.2e-7 }, rsqrt: { rel: 3e-7 }, reciprocal: { rel: 2e-7 },
  sigmoid: { rel: 3e-7, abs: 1e-8 }, tanh: { rel: 3e-7, abs: 1e-8 }, gelu_tanh: { abs: 1e-6, rel: 1e-6 },
  gelu: { abs: 1e-6, rel: 1e-6 }, sin: { abs: 1e-7, rel: 1.2e-7 }, cos: { abs: 1e-7, rel: 1.2e-7 }, affine: { rel: 1.2e-7 },
};

function inputFor(op, n, seed) {
  const [lo, hi] = UNARY_CASES[op].range;
  return uniform([n], seed, lo, hi);
}

/** The tensor unaryBackward takes for `op` when the forward input is x. */
function backwardInput(op, x) {
  return BACKWARD_INPUT[op] === 'y' ? unary(op, x, UNARY_CASES[op].params, 'reference') : x;
}

describe('kernels: unary elementwise', () => {
  afterEach(async () => wg.setNumThreads(2));

  for (const op of Object.keys(UNARY_OPS)) {
    it(`${op} matches its scalar reference over sizes ${SIZES.join(', ')} and 4099`, () => {
      const { tol, params } = UNARY_CASES[op];
      let worst = { abs: 0, rel: 0 };
      for (const n of [...SIZES, 4099]) {
        const x = inputFor(op, n, n);
        const got = unary(op, x, params).toArray();
        const want = unary(op, x, params, 'reference').toArray();
        assertClose(got, want, tol, `${op} n=${n}`);
        const e = maxError(got, want);
        worst = { abs: Math.max(worst.abs, e.abs), rel: Math.max(worst.rel, e.rel) };
      }
      console.log(`      ${op}: max abs error ${worst.abs.toExponential(2)}, max rel error ${worst.rel.toExponential(2)}`);
    });

    it(`${op} backward matches its scalar reference`, () => {
      const { params } = UNARY_CASES[op];
      const tol = BACKWARD_TOL[op] ?? {};
      let worst = { abs: 0, rel: 0 };
      for (const n of SIZES) {
        const v = backwardInput(op, inputFor(op, n, 100 + n));
        const dy = uniform([n], 200 + n, -2, 2);
        const got = unaryBackward(op, dy, v, params).toArray();
        const want = unaryBackward(op, dy, v, params, 'reference').toArray();
        assertClose(got, want, tol, `${op} backward n=${n}`);
        const e = maxError(got, want);
        worst = { abs: Math.max(worst.abs, e.abs), rel: Math.max(worst.rel, e.rel) };
      }
      console.log(`      ${op} backward: max abs error ${worst.abs.toExponential(2)}, max rel error ${worst.rel.toExponential(2)}`);
    });
  }

  it('every backward kernel agrees with a central difference of its forward op', () => {
    // Points away from kinks (relu, abs, sign, clamp at their corners) so the difference is valid.
    const xs = [-2.3, -1.1, -0.4, 0.3, 0.9, 1.7, 2.6];
    const h = 1e-2;
    for (const op of Object.keys(UNARY_OPS)) {
      const { params } = UNARY_CASES[op];
      const pts = op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal' ? xs.map(Math.abs) : xs;
      const x = wg.tensor(pts);
      const up = unary(op, wg.tensor(pts.map((p) => p + h)), params, 'reference').toArray();
      const down = unary(op, wg.tensor(pts.map((p) => p - h)), params, 'reference').toArray();
      const grad = unaryBackward(op, wg.full([pts.length], 1), backwardInput(op, x), params).toArray();
      for (let i = 0; i < pts.length; i++) {
        const numeric = (up[i] - down[i]) / (2 * h);
        assert.ok(Math.abs(grad[i] - numeric) <= 2e-3 * (1 + Math.abs(numeric)),
          `${op}'(${pts[i]}) = ${grad[i]}, central difference ${numeric}`);
      }
    }
  });

  it('handles special values: infinities, NaN, zeros, subnormals, overflow', () => {
    const x = wg.tensor([Infinity, -Infinity, NaN, 0, -0, 1e-40, 88.7, 89, -103, -110]);
    const get = (op, p) => Array.from(unary(op, x, p).toArray());
    assert.deepEqual(get('exp').slice(0, 3), [Infinity, 0, NaN]);
    const e = get('exp');
    assert.equal(e[7], Infinity);
    assert.ok(e[6] > 3.3e38 && e[6] < Infinity, `exp(88.7) = ${e[6]}`);
    assert.ok(e[8] > 0 && e[8] < 1e-44, `exp(-103) = ${e[8]} should be subnormal`);
    assert.equal(e[9], 0);
    const l = get('log');
    assert.deepEqual(l.slice(0, 5), [Infinity, NaN, NaN, -Infinity, -Infinity]);
    assert.ok(Math.abs(l[5] - Math.log(Math.fround(1e-40))) < 1e-5, `log(1e-40) = ${l[5]}`);
    assert.deepEqual(get('tanh').slice(0, 3), [1, -1, NaN]);
    assert.deepEqual(get('sigmoid').slice(0, 3), [1, 0, NaN]);
    assert.deepEqual(get('sign').slice(0, 5), [1, -1, NaN, 0, -0]);
    assert.deepEqual(get('relu').slice(0, 3), [Infinity, 0, NaN]);
    assert.deepEqual(get('gelu').slice(0, 1), [Infinity]);
    assert.deepEqual(get('clamp', { lo: -1, hi: 1 }).slice(0, 3), [1, -1, NaN]);
  });

  it('sin and cos stay accurate at |x| up to 1e5', () => {
    const x = uniform([4096], 5, -1e5, 1e5);
    const xs = x.toArray();
    for (const [op, f] of [['sin', Math.sin], ['cos', Math.cos]]) {
      const got = unary(op, x).toArray();
      const e = maxError(got, Array.from(xs, (v) => Math.fround(f(v))));
      assert.ok(e.abs < 1e-7, `${op} abs error ${e.abs}`);
    }
  });

  it('gives the same bits on 1, 2 and 3 threads', async () => {
    const x = uniform([300007], 9, -5, 5);
    const dy = uniform([300007], 10);
    for (const op of ['exp', 'gelu', 'tanh', 'sin', 'relu']) {
      await assertThreadInvariant(() => unary(op, x), op);
      await assertThreadInvariant(() => unaryBackward(op, dy, x), `${op} backward`);
    }
  });

  it('refuses int32, unknown ops, bad parameters and mismatched backward shapes', () => {
    const i = wg.tensor(new Int32Array([1, 2]));
    assert.throws(() => unary('exp', i), (e) => e instanceof wg.DTypeError && /int32.*expected float32/.test(e.message));
    assert.throws(() => unary('cube', wg.tensor([1])), wg.ArgumentError);
    assert.throws(() => unary('leaky_relu', wg.tensor([1]), { slope: 'x' }), wg.ArgumentError);
    assert.throws(() => unaryBackward('tanh', wg.tensor([1, 2]), wg.tensor([1, 2, 3])),
      (e) => e instanceof wg.ShapeError && /\[2\].*\[3\]/.test(e.message));
  });
});

/** a (op) b in plain JS over NumPy broadcasting, for checking the references themselves. */
function jsBinary(f, a, b) {
  const shape = [];
  const n = Math.max(a.ndim, b.ndim);
  for (let k = n; k >= 1; k--) shape.push(Math.max(a.shape[a.ndim - k] ?? 1, b.shape[b.ndim - k] ?? 1));
  const av = a.toArray();
  const bv = b.toArray();
  const size = shape.reduce((p, d) => p * d, 1);
  const out = new Float64Array(size);
  const index = (t, idx) => {
    let at = 0;
    for (let d = 0; d < t.ndim; d++) at = at * t.shape[d] + (t.shape[d] === 1 ? 0 : idx[n - t.ndim + d]);
    return at;
  };
  const idx = new Array(n).fill(0);
  for (let i = 0; i < size; i++) {
    out[i] = f(av[index(a, idx)], bv[index(b, idx)]);
    for (let d = n - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return { shape, values: out };
}

const BROADCASTS = [
  ['same shape', [5, 67], [5, 67]],
  ['scalar right', [3, 65], []],
  ['scalar left', [], [7, 17]],
  ['row (bias)', [9, 63], [63]],
  ['column', [9, 63], [9, 1]],
  ['middle axis', [4, 7, 5], [7, 1]],
  ['rank mismatch', [5, 1, 4, 1], [3, 1, 6]],
  ['outer product', [17, 1], [1, 19]],
  ['six dims', [2, 1, 3, 1, 2, 5], [1, 4, 1, 3, 2, 1]],
];

const BINARY_JS = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: (a, b) => a ** b, maximum: (a, b) => Math.max(a, b), minimum: (a, b) => Math.min(a, b),
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b), le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
};

describe('kernels: binary elementwise with broadcasting', () => {
  afterEach(async () => wg.setNumThreads(2));

  for (const [name, sa, sb] of BROADCASTS) {
    it(`${name}: ${JSON.stringify(sa)} with ${JSON.stringify(sb)}, every op, bit-equal to the reference and to JS`, () => {
      // Rounded to quarters so comparisons see equal values; pow's base kept positive.
      const a = wg.tensor(Array.from(uniform(sa, 1, -4, 4).toArray(), (v) => Math.round(v * 4) / 4), sa);
      const b = wg.tensor(Array.from(uniform(sb, 2, -4, 4).toArray(), (v) => Math.round(v * 4) / 4 || 0.5), sb);
      const pa = wg.tensor(Array.from(a.toArray(), (v) => Math.abs(v) + 0.5), sa);
      for (const [op, f] of Object.entries(BINARY_JS)) {
        const left = op === 'pow' ? pa : a;
        const got = binary(op, left, b);
        const ref = binary(op, left, b, 'reference');
        const js = jsBinary(f, left, b);
        assert.deepEqual(got.shape, js.shape, `${op} shape`);
        assert.deepEqual(got.toArray(), ref.toArray(), `${op} vs reference`);
        assertClose(got.toArray(), Float32Array.from(js.values), op === 'pow' ? { rel: 1.2e-7 } : {}, `${op} vs JS`);
      }
    });
  }

  it('covers sizes 1..257 with the scalar tails of every inner-stride case', () => {
    for (const n of SIZES) {
      const a = uniform([3, n], n);
      for (const b of [uniform([3, n], n + 1), uniform([n], n + 2), uniform([3, 1], n + 3), uniform([], n + 4)]) {
        for (const op of ['sub', 'div', 'maximum', 'lt']) {
          assert.deepEqual(binary(op, a, b).toArray(), binary(op, a, b, 'reference').toArray(), `${op} n=${n} b=${b.shape}`);
          assert.deepEqual(binary(op, b, a).toArray(), binary(op, b, a, 'reference').toArray(), `${op} n=${n} reversed`);
        }
      }
    }
  });

  it('int32: add, sub, mul wrap; maximum, minimum; comparisons give float32', () => {
    const a = wg.tensor(new Int32Array([2147483647, -5, 7, 0, 3, -2147483648, 9]), [7]);
    const b = wg.tensor(new Int32Array([1, -5, 2]), [3, 1]);
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge']) {
      const got = binary(op, a, b);
      assert.equal(got.dtype, ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op) ? 'float32' : 'int32', op);
      assert.deepEqual(got.toArray(), binary(op, a, b, 'reference').toArray(), op);
    }
    assert.deepEqual(Array.from(binary('add', a, b).toArray().slice(0, 3)), [-2147483648, -4, 8]);
    assert.deepEqual(Array.from(binary('mul', a, b).toArray().slice(0, 2)), [2147483647, -5]);
  });

  it('reads non-contiguous operands through a copy', () => {
    const base = uniform([6, 5], 3);
    const t = new Tensor(base.storage, [5, 6], 'float32', [1, 5]); // the transpose
    base.storage.retain();
    const expect = wg.tensor(Array.from(t.toArray()), [5, 6]);
    assert.deepEqual(binary('mul', t, uniform([6], 4)).toArray(), binary('mul', expect, uniform([6], 4)).toArray());
  });

  it('gives the same bits on 1, 2 and 3 threads', async () => {
    const a = uniform([301, 1003], 5);
    const b = uniform([1003], 6);
    await assertThreadInvariant(() => binary('div', a, b), 'div row');
    await assertThreadInvariant(() => binary('pow', binary('maximum', a, b), uniform([301, 1], 7)), 'pow column');
  });

  it('refuses incompatible shapes, mixed dtypes and int32 div/pow with clear errors', () => {
    assert.throws(() => binary('add', uniform([2, 3], 1), uniform([4], 2)),
      (e) => e instanceof wg.ShapeError && /add: shapes \[2, 3\] and \[4\] cannot be broadcast/.test(e.message));
    const i = wg.tensor(new Int32Array([1, 2]));
    assert.throws(() => binary('mul', i, wg.tensor([1, 2])), (e) => e instanceof wg.DTypeError && /int32.*float32/.test(e.message));
    assert.throws(() => binary('div', i, i), (e) => e instanceof wg.DTypeError && /expected float32/.test(e.message));
    assert.throws(() => binary('mod', i, i), wg.ArgumentError);
  });
});

describe('kernels: where', () => {
  it('selects with broadcasting over cond, a and b, float32 or int32 cond', () => {
    const c = wg.tensor([1, 0, -0, 2, NaN, 0], [6, 1]);
    const a = uniform([6, 5], 1);
    const b = uniform([5], 2);
    const got = where(c, a, b).toArray();
    const av = a.toArray();
    const bv = b.toArray();
    const cond = [true, false, false, true, true, false];
    for (let r = 0; r < 6; r++) {
      for (let k = 0; k < 5; k++) assert.equal(got[r * 5 + k], cond[r] ? av[r * 5 + k] : bv[k], `[${r}, ${k}]`);
    }
    const ci = wg.tensor(new Int32Array([0, 3, 0, 1, 1, 0]), [6, 1]);
    const gi = where(ci, a, b).toArray();
    assert.equal(gi[0], bv[0]);
    assert.equal(gi[5], av[5]);
  });

  it('runs the all-contiguous SIMD path with tails, equal to the per-element result', () => {
    for (const n of SIZES) {
      const c = binary('gt', uniform([n], n), uniform([n], n + 1));
      const a = uniform([n], n + 2);
      const b = uniform([n], n + 3);
      const [cv, av, bv] = [c.toArray(), a.toArray(), b.toArray()];
      assert.deepEqual(where(c, a, b).toArray(), Float32Array.from(cv, (q, i) => (q ? av[i] : bv[i])), `n=${n}`);
    }
  });

  it('refuses a and b of different dtypes and incompatible shapes', () => {
    assert.throws(() => where(wg.tensor([1]), wg.tensor([1]), wg.tensor(new Int32Array([1]))), wg.DTypeError);
    assert.throws(() => where(wg.tensor([1, 0, 1]), wg.tensor([1, 2]), wg.tensor([1])),
      (e) => e instanceof wg.ShapeError && /where/.test(e.message));
  });
});
