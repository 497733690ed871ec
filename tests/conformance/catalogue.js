// Finds the ONNX conformance cases and describes each one: op_type, attributes, and the dtype and
// shape of every input and output, read from the model and its test data files.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModel, readTensor } from './onnx-reader.js';

/** The cases ship with the repository (ONNX's own backend node tests, Apache-2.0; see its README). */
const BUNDLED_CASES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/onnx-node');

/** Where the cases live: $WASMGRAD_ONNX_CASES if set (another ONNX release's cases, say), else tests/fixtures/onnx-node. */
export function casesRoot() {
  const override = process.env.WASMGRAD_ONNX_CASES;
  if (override) {
    if (!existsSync(override)) throw new Error(`WASMGRAD_ONNX_CASES=${override} does not exist`);
    return resolve(override);
  }
  return BUNDLED_CASES;
}

const byIndex = (prefix) => (a, b) => Number(a.slice(prefix.length).split('.')[0]) - Number(b.slice(prefix.length).split('.')[0]);

function dataSets(caseDir) {
  return readdirSync(caseDir)
    .filter((d) => d.startsWith('test_data_set_'))
    .sort(byIndex('test_data_set_'))
    .map((d) => {
      const dir = join(caseDir, d);
      const files = readdirSync(dir);
      const pick = (prefix) => files.filter((f) => f.startsWith(prefix) && f.endsWith('.pb')).sort(byIndex(prefix)).map((f) => join(dir, f));
      return { dir, inputs: pick('input_'), outputs: pick('output_') };
    });
}

/** Tensor description from the first data set (exact) falling back to the graph's declared type. */
function describeValues(declared, files) {
  return declared.map((v, i) => {
    if (files[i]) {
      const t = readTensor(files[i]);
      return { name: v.name, dtype: t.dtype, shape: t.dims };
    }
    return { name: v.name, dtype: v.type.dtype ?? v.type.kind, shape: v.type.shape ?? null };
  });
}

/**
 * One conformance case: `{ name, dir, opType, domain, opset, node, attrs, inputs, outputs, dataSets }`.
 * `attrs` maps attribute names to decoded values; `inputs`/`outputs` are the graph's values with
 * their dtype and shape; `node.inputs` keeps ONNX's positions (an omitted optional input is '').
 */
export function loadCase(dir) {
  const model = readModel(join(dir, 'model.onnx'));
  const { graph } = model;
  if (graph.nodes.length !== 1) throw new Error(`${dir}: expected a one-node graph, got ${graph.nodes.length} nodes`);
  const node = graph.nodes[0];
  const sets = dataSets(dir);
  const attrs = Object.fromEntries(Object.entries(node.attributes).map(([k, a]) => [k, a.value]));
  return {
    name: dir.split(/[\\/]/).pop(),
    dir,
    opType: node.opType,
    domain: node.domain,
    opset: model.opsets[node.domain] ?? model.opsets[''],
    node,
    graph,
    attrs,
    inputs: describeValues(graph.inputs, sets[0]?.inputs ?? []),
    outputs: describeValues(graph.outputs, sets[0]?.outputs ?? []),
    dataSets: sets,
  };
}

/** Every case folder under the cases root, in name order. */
export function listCaseDirs(root = casesRoot()) {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'model.onnx')))
    .map((e) => join(root, e.name))
    .sort();
}

export function loadCatalogue(root = casesRoot()) {
  return listCaseDirs(root).map(loadCase);
}

/** op_type → number of cases, op types sorted by name. */
export function countByOpType(cases) {
  const counts = new Map();
  for (const c of cases) counts.set(c.opType, (counts.get(c.opType) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}
