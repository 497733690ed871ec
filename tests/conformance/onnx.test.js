// The ONNX operator conformance cases (tests/fixtures/onnx-node), each run through
// onnx.load on the case's own model.onnx. A case may pass or be unsupported (load or forward
// said why, with UnsupportedError); none may fail. `npm run conformance` lists the reasons.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { countByOpType, loadCatalogue } from './catalogue.js';
import { readTensor } from './onnx-reader.js';
import { runCase } from './runner.js';

const EXPECTED_CASES = 317;
// Raise this when an op lands; a drop means a case that passed no longer does.
const EXPECTED_PASSES = 289;
const cases = loadCatalogue();

describe('ONNX conformance', () => {
  it(`the reader decodes all ${EXPECTED_CASES} cases, their data matching the declared types`, () => {
    assert.equal(cases.length, EXPECTED_CASES);
    for (const c of cases) {
      assert.ok(c.opType, `${c.name}: no op_type`);
      assert.equal(c.dataSets.length > 0, true, `${c.name}: no test_data_set`);
      for (const set of c.dataSets) {
        assert.equal(set.inputs.length, c.graph.inputs.length, `${c.name}: input files vs graph inputs`);
        assert.equal(set.outputs.length, c.graph.outputs.length, `${c.name}: output files vs graph outputs`);
        const declared = [...c.graph.inputs, ...c.graph.outputs];
        [...set.inputs, ...set.outputs].forEach((file, i) => {
          const t = readTensor(file);
          const { dtype, shape } = declared[i].type;
          assert.equal(t.dtype, dtype, `${c.name}: ${declared[i].name} dtype`);
          if (shape && shape.every(Number.isInteger)) assert.deepEqual(t.dims, shape, `${c.name}: ${declared[i].name} dims`);
        });
      }
    }
    assert.equal([...countByOpType(cases).values()].reduce((a, b) => a + b, 0), EXPECTED_CASES);
  });

  const statuses = new Map();
  for (const [opType, n] of countByOpType(cases)) {
    describe(`${opType} (${n} cases)`, () => {
      for (const c of cases.filter((k) => k.opType === opType)) {
        it(`${c.name} passes, or load says why it is unsupported`, () => {
          const result = runCase(wg, c);
          statuses.set(c.name, result.status);
          if (result.status === 'fail') assert.fail(`${c.name}: ${result.reason}`);
          if (result.status === 'unsupported') assert.match(result.reason, /is not supported|is uint|is int8|is int16|zero-size/);
        });
      }
    });
  }

  it(`${EXPECTED_PASSES} cases pass, 0 fail`, () => {
    const counts = { pass: 0, fail: 0, unsupported: 0 };
    for (const c of cases) counts[statuses.get(c.name) ?? runCase(wg, c).status]++;
    assert.equal(counts.fail, 0);
    assert.equal(counts.pass, EXPECTED_PASSES);
  });
});
