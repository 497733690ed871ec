// Runs one ONNX conformance case the way a user would: onnx.load on the case's own model.onnx,
// then forward on each data set's inputs, compared with its outputs. Every case ends in one
// status: 'pass', 'fail' (wrong values or shapes, or wasmgrad threw something other than
// UnsupportedError), or 'unsupported' (load or forward said, with UnsupportedError, what wasmgrad
// cannot express). Nothing is skipped without a reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as onnx from '../../dist/bindings/onnx/index.js';
import { toTensor } from '../../dist/bindings/onnx/values.js';
import { compareOutput } from './compare.js';
import { readTensor } from './onnx-reader.js';

function classify(wg, e) {
  if (e instanceof wg.UnsupportedError) return { status: 'unsupported', reason: e.message };
  return { status: 'fail', reason: `threw ${e.name}: ${e.message}`, error: e };
}

function runDataSet(wg, c, model, set) {
  return wg.scope(() => {
    const inputs = set.inputs.map((file) => toTensor(readTensor(file)));
    const got = model.forward(...inputs);
    const outputs = Array.isArray(got) ? got : [got];
    const expected = set.outputs.map(readTensor);
    if (outputs.length !== expected.length) return { status: 'fail', reason: `${outputs.length} outputs, expected ${expected.length}` };
    for (let k = 0; k < expected.length; k++) {
      const mismatch = compareOutput({ shape: [...outputs[k].shape], data: outputs[k].toArray() }, expected[k]);
      if (mismatch) return { status: 'fail', reason: `output ${k} ('${model.outputNames[k]}'): ${mismatch.message}`, output: k, ...mismatch };
    }
    return { status: 'pass' };
  });
}

/** Loads the case's model and runs every data set; returns the first failure or unsupported, else pass. */
export function runCase(wg, c) {
  let model;
  try {
    model = onnx.loadSync(readFileSync(join(c.dir, 'model.onnx')));
  } catch (e) {
    return classify(wg, e);
  }
  try {
    for (const set of c.dataSets) {
      const result = runDataSet(wg, c, model, set);
      if (result.status !== 'pass') return result;
    }
    return { status: 'pass' };
  } catch (e) {
    return classify(wg, e);
  } finally {
    model.dispose();
  }
}
