// onnx.load on hand-built models: what it makes (parameters, buffers, constants evaluated at
// load, dtypes) and every kind of bad input, each a clear error and never a crash.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import * as onnx from '../../dist/bindings/onnx/index.js';
import { onnxSchema } from '../../dist/bindings/onnx/schema.js';
import { encodeMessage } from '../../dist/bindings/onnx/wire-writer.js';

const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;

const floats = (name, dims, values) => ({ name, dims, dataType: FLOAT, floatData: values });
const int64s = (name, dims, values) => ({ name, dims, dataType: INT64, int64Data: values });
const valueInfo = (name, dims, elemType = FLOAT) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
const node = (opType, input, output, attribute = [], name = `${opType}_${output[0]}`) => ({ opType, input, output, attribute, name });

function model({ nodes, inputs = [valueInfo('x', ['N', 3])], outputs = [valueInfo('y', ['N', 2])], initializers = [], opset = 17, irVersion = 8 }) {
  return encodeMessage(onnxSchema, 'ModelProto', {
    irVersion, producerName: 'test', opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, input: inputs, output: outputs, initializer: initializers },
  });
}

// y = relu(x W^T + b) reshaped through a shape computed by constants: the Linear form of Gemm.
const linearModel = () => model({
  nodes: [
    node('Gemm', ['x', 'fc.weight', 'fc.bias'], ['h'], [{ name: 'transB', type: 2, i: 1 }]),
    node('Relu', ['h'], ['r']),
    node('Constant', [], ['shape0'], [{ name: 'value', type: 4, t: int64s('', [2], [-1, 1]) }]),
    node('Mul', ['shape0', 'two'], ['shape']),
    node('Reshape', ['r', 'shape'], ['y']),
  ],
  outputs: [valueInfo('y', ['M', 2])],
  initializers: [floats('fc.weight', [2, 3], [1, 0, -1, 0.5, 0.5, 0.5]), floats('fc.bias', [2], [0.1, -0.2]), int64s('two', [2], [1, 2])],
});

const isError = (Class, pattern) => (e) => e instanceof Class && pattern.test(e.message);

describe('onnx.load', () => {
  it('makes float initializers trainable parameters named by their ONNX names, and evaluates the shape subgraph once', async () => {
    const m = await onnx.load(linearModel());
    try {
      assert.deepEqual(Object.keys(m.stateDict()), ['fc.weight', 'fc.bias']);
      assert.ok(m.parameters().every((p) => p.requiresGrad));
      assert.deepEqual([m.inputNames, m.outputNames], [['x'], ['y']]);
      assert.deepEqual(m.opTypes, ['Gemm', 'Relu', 'Constant', 'Mul', 'Reshape']);
      assert.deepEqual(m.runtimeOpTypes, ['Gemm', 'Relu', 'Reshape']);
      const x = wg.tensor([[1, 2, 3], [-1, 0, 1]]);
      const y = m.forward(x);
      assert.deepEqual(y.shape, [2, 2]);
      // rows: relu([1-3+0.1, 3-0.2]) = [0, 2.8]; relu([-1-1+0.1, 0-0.2]) = [0, 0]
      assert.deepEqual(Array.from(y.toArray(), (v) => Math.round(v * 1e5) / 1e5), [0, 2.8, 0, 0]);
      wg.sum(y, [0, 1]).backward();
      assert.deepEqual(Array.from(m.stateDict()['fc.weight'].grad.toArray()), [0, 0, 0, 1, 2, 3]);
    } finally {
      m.dispose();
    }
  });

  it('widens fp16 initializers to float32 and narrows int64 ones to int32', async () => {
    const half = Buffer.alloc(4);
    half.writeUInt16LE(0x3c00, 0); // 1
    half.writeUInt16LE(0xc000, 2); // -2
    const m = await onnx.load(model({
      nodes: [node('Add', ['x', 'w'], ['y'])],
      inputs: [valueInfo('x', [2])],
      outputs: [valueInfo('y', [2])],
      initializers: [{ name: 'w', dims: [2], dataType: FLOAT16, rawData: half }],
    }));
    assert.deepEqual(Array.from(m.forward(wg.tensor([10, 20])).toArray()), [11, 18]);
    assert.equal(m.stateDict().w.dtype, 'float32');
    m.dispose();
  });

  it('refuses truncated and corrupted files and other formats with a FormatError, never a crash', async () => {
    const bytes = linearModel();
    await assert.rejects(onnx.load(bytes.subarray(0, bytes.length - 7)), isError(wg.FormatError, /not a valid ONNX model|not an ONNX model|values for dims/));
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    await assert.rejects(onnx.load(png), wg.FormatError);
    const safetensors = wg.saveSafetensors({ w: wg.zeros([2]) });
    await assert.rejects(onnx.load(safetensors), wg.FormatError);
    await assert.rejects(onnx.load(new Uint8Array(0)), isError(wg.FormatError, /not an ONNX model: ir_version 0, no graph/));
    await assert.rejects(onnx.load('model.onnx'), isError(wg.FormatError, /Uint8Array/));
    // Random corruption: every outcome is a model or a wasmgrad error.
    let refused = 0;
    for (let trial = 0; trial < 200; trial++) {
      const copy = Uint8Array.from(bytes);
      for (let k = 0; k < 3; k++) copy[(trial * 7919 + k * 104729) % copy.length] ^= 1 << ((trial + k) % 8);
      try {
        onnx.loadSync(copy).dispose();
      } catch (e) {
        assert.ok(e instanceof wg.WasmgradError, `trial ${trial}: ${e.name}: ${e.message}`);
        refused++;
      }
    }
    assert.ok(refused > 0);
  });

  it('refuses an opset outside 11..25, naming it', async () => {
    await assert.rejects(onnx.load(model({ nodes: [node('Relu', ['x'], ['y'])], opset: 9 })), isError(wg.UnsupportedError, /opset 9 is outside the opsets wasmgrad reads \(11\.\.25\)/));
    await assert.rejects(onnx.load(model({ nodes: [node('Relu', ['x'], ['y'])], opset: 40 })), isError(wg.UnsupportedError, /opset 40/));
  });

  it('refuses a graph with a cycle, naming its nodes', async () => {
    const cyclic = model({ nodes: [node('Relu', ['b'], ['a'], [], 'first'), node('Relu', ['a'], ['b'], [], 'second'), node('Add', ['x', 'a'], ['y'])] });
    await assert.rejects(onnx.load(cyclic), isError(wg.FormatError, /cycle through node 'first' \(Relu\), node 'second' \(Relu\)/));
  });

  it('refuses an initializer whose data does not fill its dims, naming it', async () => {
    const bad = model({ nodes: [node('Add', ['x', 'w'], ['y'])], initializers: [floats('w', [3], [1, 2])] });
    await assert.rejects(onnx.load(bad), isError(wg.FormatError, /tensor 'w': 2 values for dims \[3\] \(3 expected\)/));
  });

  it('refuses a node input nothing defines, and a graph output nothing makes', async () => {
    await assert.rejects(onnx.load(model({ nodes: [node('Add', ['x', 'nowhere'], ['y'], [], 'adder')] })),
      isError(wg.ArgumentError, /node 'adder' \(Add\): input 'nowhere' is not a graph input, an initializer, nor any node's output/));
    await assert.rejects(onnx.load(model({ nodes: [node('Relu', ['x'], ['r'])] })), isError(wg.ArgumentError, /graph output 'y'/));
  });

  it('refuses unsupported ops and attributes at once, naming the node, the op, the attribute and what is supported', async () => {
    await assert.rejects(onnx.load(model({ nodes: [node('Hardmax', ['x'], ['y'], [], 'hm')] })),
      isError(wg.UnsupportedError, /node 'hm' \(Hardmax\): op type Hardmax is not supported; supported: Abs, Adagrad, Adam, Add, .*Where/));
    const attr = [{ name: 'bogus', type: 2, i: 1 }];
    await assert.rejects(onnx.load(model({ nodes: [node('Softmax', ['x'], ['y'], attr, 'sm')] })),
      isError(wg.UnsupportedError, /node 'sm' \(Softmax\): attribute 'bogus' is not supported; Softmax supports axis/));
    const reverse = [{ name: 'direction', type: 3, s: Buffer.from('reverse') }, { name: 'hidden_size', type: 2, i: 2 }];
    await assert.rejects(onnx.load(model({ nodes: [node('LSTM', ['x', 'x', 'x'], ['y'], reverse, 'rnn')] })),
      isError(wg.UnsupportedError, /node 'rnn' \(LSTM\): direction 'reverse' \(only 'forward' is mapped\) is not supported/));
    await assert.rejects(onnx.load(model({ nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', [3], 3)] })),
      isError(wg.UnsupportedError, /graph input 'x' is int8/));
  });

  it('refuses external data unless its file is given, then reads it', async () => {
    const external = {
      name: 'w', dims: [2], dataType: FLOAT, dataLocation: 1,
      externalData: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '4' }, { key: 'length', value: '8' }],
    };
    const bytes = model({ nodes: [node('Add', ['x', 'w'], ['y'])], inputs: [valueInfo('x', [2])], outputs: [valueInfo('y', [2])], initializers: [external] });
    await assert.rejects(onnx.load(bytes), isError(wg.FormatError, /tensor 'w' is stored in the external file 'weights.bin'/));
    const file = new Uint8Array(new Float32Array([99, 1.5, -3]).buffer);
    const m = await onnx.load(bytes, { externalData: { 'weights.bin': file } });
    assert.deepEqual(Array.from(m.forward(wg.tensor([1, 1])).toArray()), [2.5, -2]);
    m.dispose();
    await assert.rejects(onnx.load(bytes, { external: {} }), isError(wg.ArgumentError, /unknown option 'external'/));
  });

  it('checks forward\'s inputs against the graph: count, dtype and static dims', async () => {
    const m = await onnx.load(linearModel());
    assert.throws(() => m.forward(), isError(wg.ArgumentError, /takes 1 inputs \(x\), got 0/));
    assert.throws(() => m.forward(wg.zeros([2, 4])), isError(wg.ShapeError, /input 'x' has shape \[N, 3\] in the graph, got \[2, 4\]/));
    assert.throws(() => m.forward(wg.zeros([2, 3], 'int32')), isError(wg.DTypeError, /input 'x' is float32 in the graph/));
    m.dispose();
  });
});
