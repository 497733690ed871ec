// The ONNX operator conformance cases (tests/fixtures/onnx-node) run against wasmgrad's public API.
// One describe per op_type whose wg functions all exist; one it per case the mapping can express.
// Cases that are unsupported or not implemented are listed by `npm run conformance`, not here.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { countByOpType, loadCatalogue } from './catalogue.js';
import { readTensor } from './onnx-reader.js';
import { OPS } from './ops.js';
import { missingFunctions, planCase, runCase } from './runner.js';

const EXPECTED_CASES = 317;
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

  for (const [opType, n] of countByOpType(cases)) {
    const entry = OPS[opType];
    if (!entry || missingFunctions(wg, entry).length > 0) continue;
    describe(`${opType} (${n} cases)`, () => {
      for (const c of cases.filter((k) => k.opType === opType)) {
        if (planCase(wg, c).status !== 'ready') continue;
        it(c.name, () => {
          const result = runCase(wg, c);
          if (result.status !== 'pass') assert.fail(`${c.name}: ${result.status}: ${result.reason}`);
        });
      }
    });
  }
});
