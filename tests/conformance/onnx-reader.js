// Decodes ONNX files into plain JS: ModelProto (one graph) and TensorProto (typed arrays).
// Test-side only: the conformance runner feeds these to wasmgrad and compares the outputs.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { onnxSchema } from './onnx-schema.js';

const root = protobuf.Root.fromJSON(onnxSchema);
const ModelProto = root.lookupType('onnx.ModelProto');
const TensorProto = root.lookupType('onnx.TensorProto');

/**
 * TensorProto.DataType code → our name and the typed array that holds it. `field` is the repeated
 * field the spec stores the values in when raw_data is absent (small ints are widened into int32_data).
 */
const DATA_TYPES = {
  1: { dtype: 'float32', Array: Float32Array, field: 'floatData' },
  2: { dtype: 'uint8', Array: Uint8Array, field: 'int32Data' },
  3: { dtype: 'int8', Array: Int8Array, field: 'int32Data' },
  4: { dtype: 'uint16', Array: Uint16Array, field: 'int32Data' },
  5: { dtype: 'int16', Array: Int16Array, field: 'int32Data' },
  6: { dtype: 'int32', Array: Int32Array, field: 'int32Data' },
  7: { dtype: 'int64', Array: BigInt64Array, field: 'int64Data' },
  8: { dtype: 'string', Array: null, field: 'stringData' },
  9: { dtype: 'bool', Array: Uint8Array, field: 'int32Data' },
  10: { dtype: 'float16', Array: null, field: 'int32Data' },
  11: { dtype: 'float64', Array: Float64Array, field: 'doubleData' },
  12: { dtype: 'uint32', Array: Uint32Array, field: 'uint64Data' },
  13: { dtype: 'uint64', Array: BigUint64Array, field: 'uint64Data' },
  16: { dtype: 'bfloat16', Array: null, field: 'int32Data' },
};

/** The dtype name of a TensorProto.DataType code, or `type<N>` for codes we do not decode. */
export function dtypeName(code) {
  return DATA_TYPES[code]?.dtype ?? `type${code}`;
}

const ATTRIBUTE_TYPES = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph',
  6: 'floats', 7: 'ints', 8: 'strings', 9: 'tensors', 10: 'graphs',
};

/** An int64 from protobufjs (a Long, or a number when it fits) as a JS number; refuses to lose bits. */
function int64ToNumber(v, what) {
  const n = typeof v === 'number' ? v : Number(BigInt(v.toString()));
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: int64 value ${v} does not fit a JS number exactly`);
  return n;
}

const int64ToBigInt = (v, unsigned) => {
  const b = BigInt(v.toString());
  return unsigned ? BigInt.asUintN(64, b) : b;
};

// 16-bit floats come as their bit patterns; widen them to float32 so comparisons are plain numbers.
function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToFloat(bits) {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

function decodeRaw(raw, type) {
  // raw_data is little-endian; copy so the typed array is aligned whatever the offset in the file.
  // (Not raw.slice(): protobufjs hands out Node Buffers, whose slice() is a view into a shared pool.)
  const bytes = new Uint8Array(raw);
  switch (type.dtype) {
    case 'float16':
    case 'bfloat16': {
      const bits = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
      const widen = type.dtype === 'float16' ? halfToFloat : bfloat16ToFloat;
      return Float32Array.from(bits, widen);
    }
    case 'string':
      throw new TypeError('string tensors have no raw_data form');
    default:
      return new type.Array(bytes.buffer, 0, bytes.length / type.Array.BYTES_PER_ELEMENT);
  }
}

function decodeFields(proto, type) {
  const values = proto[type.field] ?? [];
  switch (type.dtype) {
    case 'int64':
      return BigInt64Array.from(values, (v) => int64ToBigInt(v, false));
    case 'uint64':
      return BigUint64Array.from(values, (v) => int64ToBigInt(v, true));
    case 'uint32':
      return Uint32Array.from(values, (v) => int64ToNumber(v, 'uint32'));
    case 'float16':
      return Float32Array.from(values, halfToFloat);
    case 'bfloat16':
      return Float32Array.from(values, bfloat16ToFloat);
    case 'string':
      return values.map((b) => Buffer.from(b).toString('utf8'));
    default:
      return type.Array.from(values);
  }
}

/**
 * A decoded TensorProto: `{ name, dtype, dims, data }` where `data` is a typed array (BigInt64Array
 * for int64, BigUint64Array for uint64, Uint8Array of 0/1 for bool, Float32Array for float16 and
 * bfloat16) or an array of strings.
 */
export function tensorFromProto(proto) {
  const type = DATA_TYPES[proto.dataType];
  const dims = (proto.dims ?? []).map((d) => int64ToNumber(d, 'dims'));
  const name = proto.name ?? '';
  if (!type) throw new TypeError(`tensor '${name}': data type ${proto.dataType} is not supported by the reader`);
  if (proto.dataLocation === 1) throw new TypeError(`tensor '${name}': external data is not supported`);
  const hasRaw = proto.rawData && proto.rawData.length > 0;
  const data = hasRaw ? decodeRaw(proto.rawData, type) : decodeFields(proto, type);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new RangeError(`tensor '${name}': ${data.length} values for dims [${dims}] (${expected} expected)`);
  }
  return { name, dtype: type.dtype, dims, data };
}

export function decodeTensor(bytes) {
  return tensorFromProto(TensorProto.decode(bytes));
}

export function readTensor(path) {
  return decodeTensor(readFileSync(path));
}

const utf8 = (b) => Buffer.from(b).toString('utf8');

function decodeAttribute(a) {
  const kind = ATTRIBUTE_TYPES[a.type];
  let value;
  switch (kind) {
    case 'float': value = a.f ?? 0; break;
    case 'int': value = int64ToNumber(a.i ?? 0, `attribute ${a.name}`); break;
    case 'string': value = utf8(a.s ?? new Uint8Array()); break;
    case 'tensor': value = tensorFromProto(a.t); break;
    case 'graph': value = decodeGraph(a.g); break;
    case 'floats': value = [...(a.floats ?? [])]; break;
    case 'ints': value = (a.ints ?? []).map((v) => int64ToNumber(v, `attribute ${a.name}`)); break;
    case 'strings': value = (a.strings ?? []).map(utf8); break;
    case 'tensors': value = (a.tensors ?? []).map(tensorFromProto); break;
    case 'graphs': value = (a.graphs ?? []).map(decodeGraph); break;
    default: throw new TypeError(`attribute '${a.name}': attribute type ${a.type} is not supported by the reader`);
  }
  return { name: a.name, kind, value };
}

/** A ValueInfoProto's type as `{ kind: 'tensor', dtype, shape }`; unknown dims are their symbolic names or null. */
function decodeType(t) {
  if (t?.tensorType) {
    const shape = t.tensorType.shape
      ? t.tensorType.shape.dim.map((d) => {
          // protobufjs puts defaults (dimValue 0) on the prototype: only an own property was in the file.
          if (Object.hasOwn(d, 'dimValue')) return int64ToNumber(d.dimValue, 'dim');
          return Object.hasOwn(d, 'dimParam') ? d.dimParam : null;
        })
      : null;
    return { kind: 'tensor', dtype: dtypeName(t.tensorType.elemType), shape };
  }
  if (t?.sequenceType) return { kind: 'sequence', elem: decodeType(t.sequenceType.elemType) };
  if (t?.optionalType) return { kind: 'optional', elem: decodeType(t.optionalType.elemType) };
  return { kind: 'unknown' };
}

function decodeNode(n) {
  const attributes = {};
  for (const a of n.attribute ?? []) attributes[a.name] = decodeAttribute(a);
  return {
    opType: n.opType,
    domain: n.domain ?? '',
    name: n.name ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes,
  };
}

function decodeGraph(g) {
  return {
    name: g.name ?? '',
    nodes: (g.node ?? []).map(decodeNode),
    inputs: (g.input ?? []).map((v) => ({ name: v.name, type: decodeType(v.type) })),
    outputs: (g.output ?? []).map((v) => ({ name: v.name, type: decodeType(v.type) })),
    initializers: (g.initializer ?? []).map(tensorFromProto),
  };
}

/**
 * A decoded ModelProto: `{ irVersion, producerName, opsets: {domain: version}, graph }`.
 * Graph nodes carry `attributes: {name: {kind, value}}` with ints as numbers and tensors decoded.
 */
export function decodeModel(bytes) {
  const m = ModelProto.decode(bytes);
  const opsets = {};
  for (const o of m.opsetImport ?? []) opsets[o.domain ?? ''] = int64ToNumber(o.version ?? 0, 'opset version');
  return {
    irVersion: int64ToNumber(m.irVersion ?? 0, 'ir_version'),
    producerName: m.producerName ?? '',
    opsets,
    graph: decodeGraph(m.graph ?? {}),
  };
}

export function readModel(path) {
  return decodeModel(readFileSync(path));
}
