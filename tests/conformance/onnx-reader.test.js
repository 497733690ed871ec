// The ONNX reader against known cases (values recomputed in JS) and protos encoded here that use
// the typed repeated fields the shipped cases do not (they store raw_data). The wire format itself,
// byte by byte, is tested in tests/onnx/wire.test.js.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FormatError } from '../../dist/bindings/errors.js';
import { casesRoot } from './catalogue.js';
import { decodeModel, decodeTensor, readModel, readTensor } from './onnx-reader.js';
import { onnxSchema } from '../../dist/bindings/onnx/schema.js';
import { encodeMessage } from '../../dist/bindings/onnx/wire-writer.js';

const root = casesRoot();
const file = (name, rest) => join(root, name, rest);
const encode = (type, value) => encodeMessage(onnxSchema, type, value);

describe('ONNX reader', () => {
  it('test_add: a one-node Add graph on [3,4,5] float32, output = x + y in float32', () => {
    const model = readModel(file('test_add', 'model.onnx'));
    assert.deepEqual(model.opsets, { '': 14 });
    assert.equal(model.graph.nodes.length, 1);
    const [node] = model.graph.nodes;
    assert.equal(node.opType, 'Add');
    assert.deepEqual(node.inputs, ['x', 'y']);
    assert.deepEqual(node.outputs, ['sum']);
    assert.deepEqual(model.graph.inputs.map((v) => v.type), [
      { kind: 'tensor', dtype: 'float32', shape: [3, 4, 5] },
      { kind: 'tensor', dtype: 'float32', shape: [3, 4, 5] },
    ]);
    const x = readTensor(file('test_add', 'test_data_set_0/input_0.pb'));
    const y = readTensor(file('test_add', 'test_data_set_0/input_1.pb'));
    const sum = readTensor(file('test_add', 'test_data_set_0/output_0.pb'));
    for (const t of [x, y, sum]) {
      assert.equal(t.dtype, 'float32');
      assert.deepEqual(t.dims, [3, 4, 5]);
      assert.ok(t.data instanceof Float32Array);
    }
    // ONNX's inputs are numpy's randn with seed 0: its first value is well known.
    assert.equal(x.data[0], Math.fround(1.764052345967664));
    x.data.forEach((v, i) => assert.equal(sum.data[i], Math.fround(v + y.data[i]), `index ${i}`));
  });

  it('test_add_uint64: uint64 values as BigInt, output = x + y mod 2^64', () => {
    const x = readTensor(file('test_add_uint64', 'test_data_set_0/input_0.pb'));
    const y = readTensor(file('test_add_uint64', 'test_data_set_0/input_1.pb'));
    const sum = readTensor(file('test_add_uint64', 'test_data_set_0/output_0.pb'));
    assert.ok(sum.data instanceof BigUint64Array);
    x.data.forEach((v, i) => assert.equal(sum.data[i], BigInt.asUintN(64, v + y.data[i])));
  });

  it('test_gather_0: int64 indices, int attribute, output = data rows picked by the indices', () => {
    const { attributes } = readModel(file('test_gather_0', 'model.onnx')).graph.nodes[0];
    assert.deepEqual(attributes.axis, { name: 'axis', kind: 'int', value: 0 });
    const data = readTensor(file('test_gather_0', 'test_data_set_0/input_0.pb'));
    const indices = readTensor(file('test_gather_0', 'test_data_set_0/input_1.pb'));
    const out = readTensor(file('test_gather_0', 'test_data_set_0/output_0.pb'));
    assert.equal(indices.dtype, 'int64');
    assert.ok(indices.data instanceof BigInt64Array);
    const row = data.data.length / data.dims[0];
    indices.data.forEach((idx, k) => {
      const from = Number(idx) * row;
      assert.deepEqual(out.data.subarray(k * row, (k + 1) * row), data.data.subarray(from, from + row));
    });
  });

  it('test_reduce_max_bool_inputs: bool as 0/1 bytes, output = any over axis 1', () => {
    const x = readTensor(file('test_reduce_max_bool_inputs', 'test_data_set_0/input_0.pb'));
    const out = readTensor(file('test_reduce_max_bool_inputs', 'test_data_set_0/output_0.pb'));
    assert.equal(x.dtype, 'bool');
    assert.deepEqual(out.dims, [4, 1]);
    for (let r = 0; r < 4; r++) assert.equal(out.data[r], Math.max(x.data[2 * r], x.data[2 * r + 1]));
  });

  it('decodes float, int, string and ints attributes and a non-default domain', () => {
    const gemm = readModel(file('test_gemm_all_attributes', 'model.onnx')).graph.nodes[0].attributes;
    assert.deepEqual(gemm.alpha, { name: 'alpha', kind: 'float', value: 0.25 });
    assert.equal(gemm.transA.value, 1);
    const gelu = readModel(file('test_gelu_tanh_1', 'model.onnx')).graph.nodes[0].attributes;
    assert.deepEqual(gelu.approximate, { name: 'approximate', kind: 'string', value: 'tanh' });
    const perm = readModel(file('test_transpose_all_permutations_4', 'model.onnx')).graph.nodes[0].attributes.perm;
    assert.deepEqual(perm, { name: 'perm', kind: 'ints', value: [2, 0, 1] });
    const adam = readModel(file('test_adam', 'model.onnx'));
    assert.equal(adam.graph.nodes[0].domain, 'ai.onnx.preview.training');
    assert.equal(adam.opsets['ai.onnx.preview.training'], 1);
  });

  it('decodes the typed repeated fields: float, int32-widened int8 and bool, int64, double, uint64, string', () => {
    const float = decodeTensor(encode('TensorProto', { dims: [2], dataType: 1, floatData: [1.5, -2] }));
    assert.deepEqual(float, { name: '', dtype: 'float32', dims: [2], data: new Float32Array([1.5, -2]) });
    const int8 = decodeTensor(encode('TensorProto', { dims: [3], dataType: 3, int32Data: [-128, 0, 127] }));
    assert.deepEqual(int8.data, new Int8Array([-128, 0, 127]));
    const bool = decodeTensor(encode('TensorProto', { dims: [2], dataType: 9, int32Data: [1, 0] }));
    assert.equal(bool.dtype, 'bool');
    assert.deepEqual(bool.data, new Uint8Array([1, 0]));
    const int64 = decodeTensor(encode('TensorProto', { dims: [1, 2], dataType: 7, int64Data: [-5n, 8589934592n] }));
    assert.deepEqual(int64.data, new BigInt64Array([-5n, 8589934592n]));
    const double = decodeTensor(encode('TensorProto', { dims: [1], dataType: 11, doubleData: [0.1] }));
    assert.deepEqual(double.data, new Float64Array([0.1]));
    const uint64 = decodeTensor(encode('TensorProto', { dims: [1], dataType: 13, uint64Data: [2n ** 64n - 1n] }));
    assert.deepEqual(uint64.data, new BigUint64Array([2n ** 64n - 1n]));
    const strings = decodeTensor(encode('TensorProto', { dims: [2], dataType: 8, stringData: [Buffer.from('a'), Buffer.from('bé')] }));
    assert.deepEqual(strings.data, ['a', 'bé']);
    const scalar = decodeTensor(encode('TensorProto', { dataType: 6, int32Data: [7] }));
    assert.deepEqual(scalar.dims, []);
    assert.deepEqual(scalar.data, new Int32Array([7]));
  });

  it('decodes raw_data at any byte offset, float16 widened to float32', () => {
    const raw = Buffer.alloc(9);
    raw.writeInt32LE(-3, 1); // odd offset in a larger buffer: a slice that is not 4-byte aligned
    raw.writeInt32LE(70000, 5);
    const ints = decodeTensor(encode('TensorProto', { dims: [2], dataType: 6, rawData: raw.subarray(1) }));
    assert.deepEqual(ints.data, new Int32Array([-3, 70000]));
    const halves = Buffer.alloc(6);
    [0x3c00, 0xc000, 0x7c00].forEach((bits, i) => halves.writeUInt16LE(bits, 2 * i)); // 1, -2, +inf
    const f16 = decodeTensor(encode('TensorProto', { dims: [3], dataType: 10, rawData: halves }));
    assert.deepEqual(f16.data, new Float32Array([1, -2, Infinity]));
  });

  it('refuses data that does not fill the dims, and external data', () => {
    assert.throws(() => decodeTensor(encode('TensorProto', { dims: [3], dataType: 1, floatData: [1, 2] })), /2 values for dims \[3\]/);
    assert.throws(() => decodeTensor(encode('TensorProto', { dims: [1], dataType: 1, dataLocation: 1 })), /stored in the external file/);
  });

  it('decodes tensor, tensors, floats and strings attributes, initializers and symbolic dims', () => {
    const t = { dims: [1], dataType: 1, floatData: [4] };
    const model = decodeModel(
      encode('ModelProto', {
        irVersion: 9,
        opsetImport: [{ domain: '', version: 21 }],
        graph: {
          node: [{
            opType: 'Constant',
            input: ['a', ''],
            output: ['b'],
            attribute: [
              { name: 'value', type: 4, t },
              { name: 'many', type: 9, tensors: [t, t] },
              { name: 'fs', type: 6, floats: [0.5, 2] },
              { name: 'ss', type: 8, strings: [Buffer.from('x')] },
            ],
          }],
          initializer: [{ ...t, name: 'w' }],
          input: [{ name: 'a', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } } }],
        },
      }),
    );
    assert.deepEqual(model.opsets, { '': 21 });
    const { attributes, inputs } = model.graph.nodes[0];
    assert.deepEqual(inputs, ['a', '']);
    assert.deepEqual(attributes.value.value.data, new Float32Array([4]));
    assert.equal(attributes.many.value.length, 2);
    assert.deepEqual(attributes.fs.value, [0.5, 2]);
    assert.deepEqual(attributes.ss.value, ['x']);
    assert.equal(model.graph.initializers[0].name, 'w');
    assert.deepEqual(model.graph.inputs[0].type, { kind: 'tensor', dtype: 'int64', shape: ['N', 3] });
  });

  it('keeps int64 data exact, refuses an int64 beyond 2^53 where it is used as a number, naming the field', () => {
    const exact = decodeTensor(encode('TensorProto', { dims: [2], dataType: 7, int64Data: [2n ** 60n + 1n, -(2n ** 63n)] }));
    assert.deepEqual(exact.data, new BigInt64Array([2n ** 60n + 1n, -(2n ** 63n)]));
    assert.throws(() => decodeTensor(encode('TensorProto', { name: 'w', dims: [2n ** 53n + 1n], dataType: 1 })),
      (e) => e instanceof FormatError && /tensor 'w' dims: int64 value 9007199254740993 does not fit a JS number exactly/.test(e.message));
    assert.throws(() => decodeTensor(encode('TensorProto', { name: 'u', dims: [1], dataType: 12, uint64Data: [2n ** 32n] })),
      (e) => e instanceof FormatError && /tensor 'u': uint32 value 4294967296 at index 0 of uint64_data is beyond 2\^32 - 1/.test(e.message));
    const graph = (attribute) => encode('ModelProto', {
      irVersion: 9, opsetImport: [{ version: 21 }], graph: { node: [{ opType: 'Softmax', attribute: [attribute] }] },
    });
    assert.throws(() => decodeModel(graph({ name: 'axis', type: 2, i: -(2n ** 60n) })),
      (e) => e instanceof FormatError && /attribute 'axis': int64 value -1152921504606846976 does not fit/.test(e.message));
    assert.throws(() => decodeModel(graph({ name: 'axes', type: 7, ints: [1, 2n ** 62n] })), /attribute 'axes': int64 value 4611686018427387904/);
    assert.throws(() => decodeModel(graph({ name: 'value', type: 4 })), (e) => e instanceof FormatError && /attribute 'value': its type says it holds a tensor, but its field t is absent/.test(e.message));
  });

  it('reads a dim_value of 0 as 0 and a dim with neither value nor name as unknown', () => {
    const model = decodeModel(encode('ModelProto', {
      irVersion: 9,
      opsetImport: [{ version: 21 }],
      graph: { input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 0 }, {}, { dimParam: '' }] } } } }] },
    }));
    assert.deepEqual(model.graph.inputs[0].type.shape, [0, null, '']);
  });

  it('wraps a malformed file in a FormatError that says what it was read as, the field and the byte offset', () => {
    const bytes = encode('ModelProto', { irVersion: 9, opsetImport: [{ version: 21 }], graph: { initializer: [{ name: 'w', rawData: new Uint8Array(300) }] } });
    // raw_data's length, 300 (ac 02 after its tag 4a), made 400: past its tensor, within the file.
    const at = bytes.findIndex((_, i) => bytes[i] === 0x4a && bytes[i + 1] === 0xac && bytes[i + 2] === 0x02);
    const corrupt = Uint8Array.from(bytes);
    corrupt.set([0x90, 0x03], at + 1);
    assert.throws(() => decodeModel(corrupt), (e) => e instanceof FormatError &&
      e.message === 'onnx: the bytes are not a valid ONNX model (truncated or corrupted?): ModelProto.graph.initializer[0].rawData (field 9): ' +
        `length 400 runs past the end of the TensorProto (byte ${at + 3 + 300}) at byte ${at + 1}`);
    assert.throws(() => decodeModel(bytes.subarray(0, 100)), /ModelProto\.graph \(field 7\): length \d+ runs past the end of the ModelProto \(byte 100\) at byte 3$/);
    assert.throws(() => decodeTensor(Uint8Array.of(0x0b)), /FormatError: onnx: the bytes are not a valid TensorProto \(truncated or corrupted\?\): TensorProto\.dims \(field 1\): wire type 3 \(start group\): groups are not supported at byte 0$/);
  });
});
