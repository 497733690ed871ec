// The conformance runner: each case goes through onnx.load on its own model.onnx. A runner
// that passed everything would be worthless, so it is shown failing wrong outputs, wrong shapes,
// and throwing ops, and reporting unsupported models with their reason.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wg from '../../dist/bindings/index.js';
import * as onnx from '../../dist/bindings/onnx/index.js';
import { onnxSchema } from '../../dist/bindings/onnx/schema.js';
import { toInt32Array } from '../../dist/bindings/onnx/values.js';
import { encodeMessage } from '../../dist/bindings/onnx/wire-writer.js';
import { compareOutput } from './compare.js';
import { loadCase, loadCatalogue } from './catalogue.js';
import { readTensor } from './onnx-reader.js';
import { runCase } from './runner.js';

const cases = loadCatalogue();
const byName = (name) => cases.find((c) => c.name === name);

/** A copy of a case whose expected output 0 is rewritten by `edit({dims, data})`. */
function editedCase(name, edit) {
  const c = byName(name);
  const dir = mkdtempSync(join(tmpdir(), 'wg-case-'));
  copyFileSync(join(c.dir, 'model.onnx'), join(dir, 'model.onnx'));
  for (const set of c.dataSets) {
    const to = join(dir, set.dir.split(/[\\/]/).pop());
    mkdirSync(to);
    for (const f of readdirSync(set.dir)) copyFileSync(join(set.dir, f), join(to, f));
    const out = readTensor(set.outputs[0]);
    const { dims, data } = edit(out);
    writeFileSync(join(to, 'output_0.pb'), encodeMessage(onnxSchema, 'TensorProto', { name: out.name, dataType: 1, dims, floatData: data }));
  }
  return { c: loadCase(dir), cleanup: () => rmSync(dir, { recursive: true }) };
}

describe('ONNX conformance runner', () => {
  it('passes test_add through onnx.load, and frees every tensor the case made', () => {
    const before = wg.memory().liveTensors;
    assert.deepEqual(runCase(wg, byName('test_add')), { status: 'pass' });
    assert.equal(wg.memory().liveTensors, before);
  });

  it('fails a wrong value, naming the output, the first differing index and the max abs diff', () => {
    const { c, cleanup } = editedCase('test_add', (t) => ({ dims: t.dims, data: Float32Array.from(t.data, (v, i) => (i === 7 ? v + 0.5 : v)) }));
    try {
      const r = runCase(wg, c);
      assert.equal(r.status, 'fail');
      assert.equal(r.firstIndex, 7);
      assert.ok(Math.abs(r.maxAbsDiff - 0.5) < 1e-5, r.reason);
      assert.match(r.reason, /output 0 \('sum'\)/);
    } finally {
      cleanup();
    }
  });

  it('fails a wrong shape with the same values', () => {
    const { c, cleanup } = editedCase('test_add', (t) => ({ dims: [t.data.length], data: t.data }));
    try {
      const r = runCase(wg, c);
      assert.equal(r.status, 'fail');
      assert.match(r.reason, /shape \[3,4,5\] differs from expected \[60\]/);
    } finally {
      cleanup();
    }
  });

  it('reports an unsupported dtype or value with the reason, and a throwing model as failed', () => {
    assert.match(runCase(wg, byName('test_add_uint8')).reason, /graph input 'x' is uint8/);
    assert.equal(runCase(wg, byName('test_add_uint8')).status, 'unsupported');
    assert.match(runCase(wg, byName('test_reduce_max_empty_set')).reason, /zero-size axis/);
    const broken = { ...byName('test_add'), dir: '/nonexistent-case' };
    assert.equal(runCase(wg, broken).status, 'fail');
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
    assert.throws(() => toInt32Array(t([1n, 2n ** 31n])), (e) => e instanceof wg.UnsupportedError && /2147483648 at index 1/.test(e.message));
    assert.throws(() => toInt32Array(t([-(2n ** 31n) - 1n])), wg.UnsupportedError);
  });
});
