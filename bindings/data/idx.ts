// The IDX format of the MNIST family (yann.lecun.com/exdb/mnist): a 4-byte magic number (two
// zero bytes, an element-type code, the number of dimensions), one big-endian u32 per dimension,
// then the elements in row-major order, big-endian.
import { FormatError, formatShape } from '../errors.js';
import { gunzip, isGzip } from './gunzip.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

interface ElementType {
  dtype: IdxDType;
  bytes: number;
  make: (n: number) => IdxArray['data'];
  read: (view: DataView, at: number) => number;
}

const ELEMENT_TYPES: Record<number, ElementType> = {
  0x08: { dtype: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  0x09: { dtype: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  0x0b: { dtype: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at) },
  0x0c: { dtype: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at) },
  0x0d: { dtype: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at) },
  0x0e: { dtype: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at) },
};

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;

/** Parses an uncompressed IDX file; `name` (a file name) goes into every error. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const fail = (reason: string): never => {
    throw new FormatError(`parseIdx: ${name}: ${reason}`);
  };
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, but the magic number alone needs 4`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`bad magic number ${hex(magic, 8)}: an IDX file starts with two zero bytes${isGzip(bytes) ? ' (this is gzip data; decompress it first)' : ''}`);
  }
  const type = ELEMENT_TYPES[bytes[2]];
  if (type === undefined) {
    fail(`unknown element type ${hex(bytes[2], 2)}; IDX defines ${Object.keys(ELEMENT_TYPES).map((k) => hex(Number(k), 2)).join(', ')}`);
  }
  const ndim = bytes[3];
  if (ndim === 0) fail('the magic number declares 0 dimensions');
  const dataStart = 4 + 4 * ndim;
  if (bytes.length < dataStart) fail(`truncated header: ${ndim} dimensions need ${dataStart} bytes, the file has ${bytes.length}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const actual = bytes.length - dataStart;
  if (actual < expected) fail(`truncated data: shape ${formatShape(shape)} of ${type.dtype} needs ${expected} bytes, the file has ${actual}`);
  if (actual > expected) fail(`${actual - expected} bytes after the data of shape ${formatShape(shape)} of ${type.dtype}`);
  const data = type.make(count);
  if (type.bytes === 1) {
    data.set(type.dtype === 'uint8' ? bytes.subarray(dataStart) : new Int8Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else {
    for (let i = 0; i < count; i++) data[i] = type.read(view, dataStart + i * type.bytes);
  }
  return { dtype: type.dtype, shape, data };
}

/** Parses an IDX file, gzipped (as distributed) or not. */
export async function readIdx(bytes: Uint8Array, name = 'IDX data'): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, name) : bytes, name);
}
