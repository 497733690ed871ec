// The conformance runner and its mappings, driven by stand-in wg functions written here in plain
// JS (on top of the real wg.tensor), so the harness is tested before wasmgrad has the ops.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { compareOutput } from './compare.js';
import { countByOpType, loadCatalogue } from './catalogue.js';
import { OPS } from './ops.js';
import { runCase } from './runner.js';
import { toInt32Array, UnsupportedCase } from './values.js';

const cases = loadCatalogue();
const byName = (name) => cases.find((c) => c.name === name);

/** Numpy broadcasting of a binary function, in JS. */
function broadcastJs(a, b, f) {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (s) => [...Array(rank - s.length).fill(1), ...s];
  const [sa, sb] = [pad(a.shape), pad(b.shape)];
  const shape = sa.map((d, i) => Math.max(d, sb[i]));
  const [da, db] = [a.toArray(), b.toArray()];
  const out = new Float32Array(shape.reduce((x, y) => x * y, 1));
  const index = new Array(rank).fill(0);
  for (let k = 0; k < out.length; k++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * sa[d] + (sa[d] === 1 ? 0 : index[d]);
      ib = ib * sb[d] + (sb[d] === 1 ? 0 : index[d]);
    }
    out[k] = f(da[ia], db[ib]);
    for (let d = rank - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  return wg.tensor(out, shape);
}

function reshapeJs(x, shape) {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return wg.tensor(x.toArray(), shape.map((d) => (d === -1 ? x.size / known : d)));
}

function indexSelectJs(x, axis, index) {
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const [data, idx] = [x.toArray(), index.toArray()];
  const out = new Float32Array(outer * idx.length * inner);
  for (let o = 0; o < outer; o++) {
    idx.forEach((i, k) => {
      const from = (o * x.shape[axis] + i) * inner;
      out.set(data.subarray(from, from + inner), (o * idx.length + k) * inner);
    });
  }
  return wg.tensor(out, [...x.shape.slice(0, axis), idx.length, ...x.shape.slice(axis + 1)]);
}

const fake = (functions) => ({ ...wg, ...functions });
const addJs = (a, b) => broadcastJs(a, b, (x, y) => x + y);

describe('ONNX conformance runner', () => {
  it('passes Add cases with a correct add, and frees every tensor the case made', () => {
    const seen = [];
    const add = (a, b) => {
      const y = addJs(a, b);
      seen.push(a, b, y);
      return y;
    };
    for (const name of ['test_add', 'test_add_bcast']) assert.deepEqual(runCase(fake({ add }), byName(name)), { status: 'pass' });
    assert.equal(seen.length, 6);
    assert.ok(seen.every((t) => t.isDisposed));
  });

  it('passes every Reshape and Gather case with JS reshape/indexSelect (0 dims, -1, negative and 2-D indices)', () => {
    const w = fake({ reshape: reshapeJs, indexSelect: indexSelectJs });
    for (const c of cases.filter((k) => k.opType === 'Reshape' || k.opType === 'Gather')) {
      assert.deepEqual(runCase(w, c), { status: 'pass' }, c.name);
    }
  });

  it('fails a wrong value, naming the first differing index and the max abs diff', () => {
    const add = (a, b) => broadcastJs(a, b, (x, y) => x + y).toArray();
    const off = (a, b) => {
      const data = add(a, b);
      data[7] += 0.01;
      data[9] += 0.002;
      return wg.tensor(data, a.shape);
    };
    const result = runCase(fake({ add: off }), byName('test_add'));
    assert.equal(result.status, 'fail');
    assert.equal(result.firstIndex, 7);
    assert.ok(Math.abs(result.maxAbsDiff - 0.01) < 1e-6, String(result.maxAbsDiff));
    assert.match(result.reason, /output 0 \('sum'\): max abs diff .* first differing index 7/);
  });

  it('fails a wrong shape, a wrong output count, and an op that throws', () => {
    const flat = (a, b) => reshapeJs(addJs(a, b), [60]);
    assert.match(runCase(fake({ add: flat }), byName('test_add')).reason, /shape \[60\] differs from expected \[3,4,5\]/);
    const two = (a, b) => [addJs(a, b), addJs(a, b)];
    assert.match(runCase(fake({ add: two }), byName('test_add')).reason, /2 outputs, expected 1/);
    const throws = () => {
      throw new wg.ShapeError('add: shapes do not broadcast');
    };
    const result = runCase(fake({ add: throws }), byName('test_add'));
    assert.equal(result.status, 'fail');
    assert.match(result.reason, /threw ShapeError: add: shapes do not broadcast/);
  });

  it('reports unsupported dtypes and attributes with the reason, and missing ops as not implemented', () => {
    const w = fake({ add: addJs, max: () => assert.fail('must not run') });
    assert.deepEqual(runCase(w, byName('test_add_int8')), {
      status: 'unsupported',
      reason: "input 0 ('x') is int8; Add maps float32 (wasmgrad has no int8 tensors)",
    });
    assert.deepEqual(runCase(w, byName('test_reduce_max_empty_set')), {
      status: 'unsupported',
      reason: 'max over a zero-size axis has no value to return (wg.max refuses empty reductions, as torch.amax does)',
    });
    const missing = fake({ sub: undefined, matmul: undefined, permute: undefined, mul: undefined });
    assert.deepEqual(runCase(missing, byName('test_sub')), { status: 'not-implemented', reason: 'needs wg.sub' });
    assert.deepEqual(runCase(missing, byName('test_gemm_alpha')).reason, 'needs wg.matmul, wg.permute, wg.mul');
  });

  it('maps every op type present in the cases, each entry well formed', () => {
    for (const op of countByOpType(cases).keys()) assert.ok(OPS[op], `${op} has no mapping`);
    for (const [op, entry] of Object.entries(OPS)) {
      assert.ok(entry.wg.length > 0 && entry.wg.every((n) => typeof n === 'string'), op);
      assert.ok(entry.inputs.every((s) => ['tensor', 'float', 'ints', 'scalar', 'raw'].includes(s.kind)), op);
      assert.equal(typeof entry.run, 'function', op);
    }
  });
});

describe('conformance comparison', () => {
  const expected = (data, dims = [data.length]) => ({ name: 'e', dtype: 'float32', dims, data: Float32Array.from(data) });
  const got = (data, shape = [data.length]) => ({ shape, data: Float32Array.from(data) });

  it('accepts |got - expected| <= 1e-5 + 1e-3 |expected|, NaN against NaN, and equal infinities', () => {
    assert.equal(compareOutput(got([1.001, 0.000009, NaN, Infinity]), expected([1, 0, NaN, Infinity])), null);
  });

  it('refuses values just outside the tolerance, NaN against a number, and an infinity against a finite value', () => {
    assert.equal(compareOutput(got([1.0012]), expected([1])).firstIndex, 0);
    assert.equal(compareOutput(got([0, 0.00002]), expected([0, 0])).firstIndex, 1);
    assert.equal(compareOutput(got([NaN]), expected([0])).maxAbsDiff, Infinity);
    assert.equal(compareOutput(got([3.4e38]), expected([Infinity])).firstIndex, 0);
  });

  it('refuses a different shape even with the same values', () => {
    assert.match(compareOutput(got([1, 2], [2, 1]), expected([1, 2], [2])).message, /shape \[2,1\] differs/);
  });
});

describe('int64 narrowing', () => {
  const t = (values) => ({ name: 'idx', dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values) });
  it('keeps int64 values that fit int32, and refuses those that do not', () => {
    assert.deepEqual(toInt32Array(t([-(2n ** 31n), 0n, 2n ** 31n - 1n])), new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1]));
    assert.throws(() => toInt32Array(t([1n, 2n ** 31n])), (e) => e instanceof UnsupportedCase && /2147483648 at index 1/.test(e.message));
    assert.throws(() => toInt32Array(t([-(2n ** 31n) - 1n])), UnsupportedCase);
  });
});
