// ONNX bytes → plain JS: a ModelProto (one graph) with its tensors as typed arrays. wire-reader.ts
// reads the protobuf; this file checks what protobuf cannot (that the bytes are an ONNX model at
// all, that tensors fill their dims, that int64s fit where they are used as numbers) and names the
// tensor or field at fault.
import { FormatError } from '../index.js';
import { onnxSchema, type OnnxSchema } from './schema.js';
import type { Decoded } from './wire.js';
import { decodeMessage } from './wire-reader.js';

type TensorProto = Decoded<OnnxSchema, 'TensorProto'>;
type AttributeProto = Decoded<OnnxSchema, 'AttributeProto'>;
type GraphProto = Decoded<OnnxSchema, 'GraphProto'>;
type NodeProto = Decoded<OnnxSchema, 'NodeProto'>;
type TypeProto = Decoded<OnnxSchema, 'TypeProto'>;

export type HostArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array
  | Uint32Array | BigInt64Array | BigUint64Array;

/** A tensor decoded from the file: float16 and bfloat16 are widened to float32, bool is 0/1 bytes. */
export interface HostTensor {
  name: string;
  dtype: string;
  dims: number[];
  data: HostArray | string[];
}

export type AttributeValue = number | string | number[] | string[] | HostTensor | HostTensor[] | OnnxGraph | OnnxGraph[];

export interface OnnxAttribute {
  name: string;
  kind: string;
  value: AttributeValue;
}

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  /** ONNX's positions: an omitted optional input is ''. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A value's declared type: dims are numbers, symbolic names, or null when unknown. */
export interface ValueType {
  kind: 'tensor' | 'sequence' | 'optional' | 'unknown';
  dtype?: string;
  shape?: (number | string | null)[] | null;
}

export interface OnnxValueInfo {
  name: string;
  type: ValueType;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: HostTensor[];
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  /** domain ('' for the default ai.onnx) → opset version. */
  opsets: Record<string, number>;
  graph: OnnxGraph;
}

/** Files that tensors stored outside the model point at, by the `location` they name. */
export type ExternalData = Record<string, Uint8Array>;

/** TensorProto.DataType code → our name, the typed array that holds it, and the repeated field used without raw_data. */
const DATA_TYPES: Record<number, { dtype: string; Array: any; field: 'floatData' | 'int32Data' | 'int64Data' | 'stringData' | 'doubleData' | 'uint64Data' }> = {
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

/** The TensorProto.DataType code of a dtype name (for Cast's `to` and for writing). */
export function dataTypeCode(dtype: string): number | undefined {
  for (const [code, t] of Object.entries(DATA_TYPES)) if (t.dtype === dtype) return Number(code);
  return undefined;
}

/** The dtype name of a TensorProto.DataType code, or `type<N>` for codes we do not decode. */
export function dtypeName(code: number): string {
  return DATA_TYPES[code]?.dtype ?? `type${code}`;
}

const ATTRIBUTE_TYPES: Record<number, string> = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings', 9: 'tensors', 10: 'graphs',
};

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An int64 as a JS number; refuses to lose bits, naming the field. */
function int64ToNumber(v: bigint, what: string): number {
  if (v > MAX_SAFE || v < MIN_SAFE) {
    throw new FormatError(`onnx: ${what}: int64 value ${v} does not fit a JS number exactly`);
  }
  return Number(v);
}

/** IEEE half-precision bits → the float32 of the same value. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function bfloat16ToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits << 16);
  return view.getFloat32(0);
}

const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

function decodeRaw(raw: Uint8Array, type: (typeof DATA_TYPES)[number], name: string): HostArray {
  // A copy, so the typed array is aligned whatever the offset in the file (and never a view into a
  // Node Buffer's shared pool).
  const bytes = new Uint8Array(raw);
  if (type.dtype === 'float16' || type.dtype === 'bfloat16') {
    if (bytes.length % 2 !== 0) throw new FormatError(`onnx: tensor '${name}': ${bytes.length} bytes of raw_data is not whole ${type.dtype} values`);
    const bits = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
    return Float32Array.from(bits, type.dtype === 'float16' ? halfToFloat : bfloat16ToFloat);
  }
  if (type.dtype === 'string') throw new FormatError(`onnx: tensor '${name}': string tensors have no raw_data form`);
  if (bytes.length % type.Array.BYTES_PER_ELEMENT !== 0) {
    throw new FormatError(`onnx: tensor '${name}': ${bytes.length} bytes of raw_data is not whole ${type.dtype} values`);
  }
  return new type.Array(bytes.buffer, 0, bytes.length / type.Array.BYTES_PER_ELEMENT);
}

function decodeFields(proto: TensorProto, type: (typeof DATA_TYPES)[number], name: string): HostArray | string[] {
  switch (type.dtype) {
    case 'int64': return proto.int64Data;
    case 'uint64': return proto.uint64Data;
    case 'uint32': return Uint32Array.from(proto.uint64Data, (v, i) => {
      if (v > 0xffffffffn) throw new FormatError(`onnx: tensor '${name}': uint32 value ${v} at index ${i} of uint64_data is beyond 2^32 - 1`);
      return Number(v);
    });
    case 'float16': return Float32Array.from(proto.int32Data, halfToFloat);
    case 'bfloat16': return Float32Array.from(proto.int32Data, bfloat16ToFloat);
    case 'string': return proto.stringData.map(utf8);
    default: {
      // The reader's typed array is already a copy of the file's values, ours to keep.
      const values = proto[type.field];
      return values instanceof type.Array ? (values as HostArray) : type.Array.from(values);
    }
  }
}

/** The bytes of a tensor stored outside the model (data_location EXTERNAL), from the files given. */
function externalBytes(proto: TensorProto, name: string, files: ExternalData | undefined): Uint8Array {
  const entries: Record<string, string> = Object.fromEntries(proto.externalData.map((e) => [e.key, e.value]));
  const location = entries.location;
  if (files === undefined || location === undefined || !(location in files)) {
    throw new FormatError(
      `onnx: tensor '${name}' is stored in the external file '${location ?? '(no location)'}'; ` +
        `pass its bytes as load(bytes, { externalData: { '${location}': Uint8Array } })`,
    );
  }
  const file = files[location];
  const offset = Number(entries.offset ?? 0);
  const length = entries.length === undefined ? file.length - offset : Number(entries.length);
  if (!(offset >= 0 && length >= 0 && offset + length <= file.length)) {
    throw new FormatError(`onnx: tensor '${name}': bytes ${offset}..${offset + length} are outside '${location}' (${file.length} bytes)`);
  }
  return file.subarray(offset, offset + length);
}

/**
 * A decoded TensorProto: `data` is a typed array (BigInt64Array for int64, Uint8Array of 0/1 for
 * bool, Float32Array for float16 and bfloat16) or an array of strings.
 */
export function tensorFromProto(proto: TensorProto, files?: ExternalData): HostTensor {
  const name = proto.name ?? '';
  const type = DATA_TYPES[proto.dataType ?? 0];
  const dims = Array.from(proto.dims, (d) => int64ToNumber(d, `tensor '${name}' dims`));
  if (!type) throw new FormatError(`onnx: tensor '${name}': data type ${proto.dataType ?? 0} is not supported`);
  if (dims.some((d) => d < 0)) throw new FormatError(`onnx: tensor '${name}': negative dims [${dims}]`);
  const raw = proto.dataLocation === 1 ? externalBytes(proto, name, files) : proto.rawData;
  const data = raw && raw.length > 0 ? decodeRaw(raw, type, name) : decodeFields(proto, type, name);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new FormatError(`onnx: tensor '${name}': ${data.length} values for dims [${dims}] (${expected} expected)`);
  }
  return { name, dtype: type.dtype, dims, data };
}

/** A TensorProto's bytes (an ONNX test data .pb file) decoded. */
export function decodeTensor(bytes: Uint8Array): HostTensor {
  return tensorFromProto(wireDecode('TensorProto', bytes, 'TensorProto'));
}

function missing(what: string, field: string): never {
  throw new FormatError(`onnx: ${what}: its type says it holds a ${field === 't' ? 'tensor' : 'graph'}, but its field ${field} is absent`);
}

function decodeAttribute(a: AttributeProto, files?: ExternalData): OnnxAttribute {
  const name = a.name ?? '';
  const kind = ATTRIBUTE_TYPES[a.type ?? 0];
  const what = `attribute '${name}'`;
  let value: AttributeValue;
  switch (kind) {
    case 'float': value = a.f ?? 0; break;
    case 'int': value = int64ToNumber(a.i ?? 0n, what); break;
    case 'string': value = utf8(a.s ?? new Uint8Array()); break;
    case 'tensor': value = tensorFromProto(a.t ?? missing(what, 't'), files); break;
    case 'graph': value = decodeGraph(a.g ?? missing(what, 'g'), files); break;
    case 'floats': value = Array.from(a.floats); break;
    case 'ints': value = Array.from(a.ints, (v) => int64ToNumber(v, what)); break;
    case 'strings': value = a.strings.map(utf8); break;
    case 'tensors': value = a.tensors.map((t) => tensorFromProto(t, files)); break;
    case 'graphs': value = a.graphs.map((g) => decodeGraph(g, files)); break;
    default: throw new FormatError(`onnx: ${what}: attribute type ${a.type ?? 0} is not an ONNX attribute type`);
  }
  return { name, kind, value };
}

function decodeType(t: TypeProto | undefined): ValueType {
  if (t?.tensorType) {
    const shape = t.tensorType.shape
      ? t.tensorType.shape.dim.map((d) => {
          if (d.dimValue !== undefined) return int64ToNumber(d.dimValue, 'dim');
          return d.dimParam ?? null;
        })
      : null;
    return { kind: 'tensor', dtype: dtypeName(t.tensorType.elemType ?? 0), shape };
  }
  if (t?.sequenceType) return { kind: 'sequence' };
  if (t?.optionalType) return { kind: 'optional' };
  return { kind: 'unknown' };
}

function decodeNode(n: NodeProto, files?: ExternalData): OnnxNode {
  const attributes: Record<string, OnnxAttribute> = {};
  for (const a of n.attribute) attributes[a.name ?? ''] = decodeAttribute(a, files);
  return {
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    name: n.name ?? '',
    inputs: [...n.input],
    outputs: [...n.output],
    attributes,
  };
}

function decodeGraph(g: GraphProto, files?: ExternalData): OnnxGraph {
  return {
    name: g.name ?? '',
    nodes: g.node.map((n) => decodeNode(n, files)),
    inputs: g.input.map((v) => ({ name: v.name ?? '', type: decodeType(v.type) })),
    outputs: g.output.map((v) => ({ name: v.name ?? '', type: decodeType(v.type) })),
    initializers: g.initializer.map((t) => tensorFromProto(t, files)),
  };
}

/** The reader's decode, its errors (truncation, bad wire types) as a FormatError saying what the bytes were read as. */
function wireDecode<M extends keyof OnnxSchema & string>(message: M, bytes: Uint8Array, what: string): Decoded<OnnxSchema, M> {
  if (!(bytes instanceof Uint8Array)) {
    throw new FormatError(`onnx: expected the bytes of an ONNX file as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  }
  try {
    return decodeMessage(onnxSchema, message, bytes);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    throw new FormatError(`onnx: the bytes are not a valid ${what} (truncated or corrupted?): ${e.message}`);
  }
}

/**
 * The ONNX model in `bytes`. ONNX files have no magic number, so "is this ONNX" is judged by what
 * any exporter writes: an ir_version, a graph, and an opset for the default domain.
 */
export function decodeModel(bytes: Uint8Array, files?: ExternalData): OnnxModel {
  const m = wireDecode('ModelProto', bytes, 'ONNX model');
  const irVersion = m.irVersion ?? 0n;
  if (irVersion < 1n || irVersion > 20n || !m.graph || m.opsetImport.length === 0) {
    throw new FormatError(
      `onnx: the bytes are not an ONNX model: ir_version ${irVersion}, ${m.graph ? 'a graph' : 'no graph'}, ` +
        `${m.opsetImport.length} opset imports (an ONNX file has an ir_version in 1..20, a graph and an opset)`,
    );
  }
  const opsets: Record<string, number> = {};
  for (const o of m.opsetImport) opsets[o.domain ?? ''] = int64ToNumber(o.version ?? 0n, 'opset version');
  return { irVersion: Number(irVersion), producerName: m.producerName ?? '', opsets, graph: decodeGraph(m.graph, files) };
}
