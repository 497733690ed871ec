// Runs one ONNX conformance case against wasmgrad through its mapping in ops.js.
// Every case ends in one status: 'pass', 'fail' (wrong values or shapes, or wasmgrad threw),
// 'unsupported' (the mapping says why our API cannot express it) or 'not-implemented' (no mapping,
// or a wg function the mapping needs does not exist yet). Nothing is skipped without a reason.
import { compareOutput } from './compare.js';
import { OPS } from './ops.js';
import { readTensor } from './onnx-reader.js';
import { toFloat32Array, toInt32Array, toInts, toScalar, UnsupportedCase } from './values.js';

/** The wg function names an entry needs that `wg` does not have. */
export function missingFunctions(wg, entry) {
  return entry.wg.filter((name) => typeof wg[name] !== 'function');
}

function inputSpec(entry, position) {
  const last = entry.inputs.length - 1;
  return entry.inputs[entry.variadic && position > last ? last : position];
}

function dtypeProblem(c, entry) {
  for (let i = 0; i < c.node.inputs.length; i++) {
    const name = c.node.inputs[i];
    if (name === '') continue;
    const spec = inputSpec(entry, i);
    const value = c.inputs.find((v) => v.name === name);
    if (!spec) return `input ${i} ('${name}') is not mapped`;
    if (!spec.dtypes.includes(value.dtype)) {
      const why = ['float32', 'int32', 'int64'].includes(value.dtype) ? '' : ` (wasmgrad has no ${value.dtype} tensors)`;
      return `input ${i} ('${name}') is ${value.dtype}; ${c.opType} maps ${spec.dtypes.join('/')}${why}`;
    }
  }
  return null;
}

/** Tensor data decoded for wasmgrad but not yet copied into wasm memory. */
class HostTensor {
  constructor(dtype, dims, data) {
    this.dtype = dtype;
    this.dims = dims;
    this.data = data;
  }
}

/** Turns a reader tensor into what the mapping asked for, in plain JS (no wasm yet). */
function decodeInput(spec, t) {
  switch (spec.kind) {
    case 'tensor':
      return t.dtype === 'float32' ? new HostTensor('float32', t.dims, t.data) : new HostTensor('int32', t.dims, toInt32Array(t));
    case 'float':
      return new HostTensor('float32', t.dims, toFloat32Array(t));
    case 'ints':
      return toInts(t);
    case 'scalar':
      return toScalar(t);
    case 'raw':
      return t;
    default:
      throw new Error(`ops.js: unknown input kind '${spec.kind}'`);
  }
}

function decodeDataSet(c, entry, set) {
  const byName = new Map(c.graph.inputs.map((v, i) => [v.name, readTensor(set.inputs[i])]));
  const inputs = c.node.inputs.map((name, i) => (name === '' ? undefined : decodeInput(inputSpec(entry, i), byName.get(name))));
  return { inputs, expected: set.outputs.map(readTensor) };
}

/**
 * Decides whether a case can run: `{status: 'ready', entry, dataSets}` with its inputs decoded, or
 * `{status: 'unsupported' | 'not-implemented', reason}`.
 */
export function planCase(wg, c, ops = OPS) {
  const entry = ops[c.opType];
  if (!entry) return { status: 'not-implemented', reason: `no mapping for ${c.opType} in ops.js` };
  const missing = missingFunctions(wg, entry);
  if (missing.length > 0) return { status: 'not-implemented', reason: `needs ${missing.map((m) => `wg.${m}`).join(', ')}` };
  const reason = dtypeProblem(c, entry) ?? entry.unsupported?.(c.attrs, c) ?? null;
  if (reason) return { status: 'unsupported', reason };
  try {
    return { status: 'ready', entry, dataSets: c.dataSets.map((set) => decodeDataSet(c, entry, set)) };
  } catch (e) {
    if (e instanceof UnsupportedCase) return { status: 'unsupported', reason: e.message };
    throw e;
  }
}

/**
 * A view of `wg` whose functions remember every Tensor they return, so a case can free all it
 * made (inputs, intermediates, outputs) whatever the mapping does.
 */
function trackingScope(wg) {
  const made = [];
  const collect = (v) => {
    if (v instanceof wg.Tensor) made.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    return v;
  };
  const scoped = {};
  for (const [name, value] of Object.entries(wg)) {
    // Lower-case names are functions; capitalised ones are classes (Tensor, errors) and stay as they are.
    scoped[name] = typeof value === 'function' && /^[a-z]/.test(name) ? (...args) => collect(value(...args)) : value;
  }
  return { wg: scoped, dispose: () => made.forEach((t) => t.dispose()) };
}

const materialize = (wg, value) => (value instanceof HostTensor ? wg.tensor(value.data, value.dims, value.dtype) : value);

function runDataSet(wg, c, entry, { inputs, expected }) {
  const scope = trackingScope(wg);
  try {
    const wgInputs = inputs.map((v) => materialize(scope.wg, v));
    let outputs = entry.run(scope.wg, wgInputs, c.attrs, { outputCount: expected.length, opset: c.opset });
    if (!Array.isArray(outputs)) outputs = [outputs];
    if (outputs.length !== expected.length) {
      return { status: 'fail', reason: `${outputs.length} outputs, expected ${expected.length}` };
    }
    for (let k = 0; k < expected.length; k++) {
      const got = { shape: [...outputs[k].shape], data: outputs[k].toArray() };
      const mismatch = compareOutput(got, expected[k]);
      if (mismatch) {
        return { status: 'fail', reason: `output ${k} ('${c.graph.outputs[k].name}'): ${mismatch.message}`, output: k, ...mismatch };
      }
    }
    return { status: 'pass' };
  } catch (e) {
    if (e instanceof UnsupportedCase) return { status: 'unsupported', reason: e.message };
    return { status: 'fail', reason: `threw ${e.name}: ${e.message}`, error: e };
  } finally {
    scope.dispose();
  }
}

/** Runs every data set of a case; returns the plan's status, or the first failure, or pass. */
export function runCase(wg, c, ops = OPS) {
  const plan = planCase(wg, c, ops);
  if (plan.status !== 'ready') return plan;
  for (const set of plan.dataSets) {
    const result = runDataSet(wg, c, plan.entry, set);
    if (result.status !== 'pass') return result;
  }
  return { status: 'pass' };
}
