// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes
// of UTF-8 JSON mapping each tensor name to {dtype, shape, data_offsets} (offsets relative to the
// data section, which follows the header), an optional "__metadata__" map of strings, then the
// tensors' bytes, contiguous and row-major. Files we write are readable by Python's safetensors.
//
// Loading treats the file as hostile: every number in the header is checked before it is used,
// and the tensors must tile the data section exactly (no overlap, no gap, nothing past the end).
import { empty, tensor } from '../creation.js';
import type { DType } from '../dtype.js';
import { ArgumentError, DTypeError, FormatError, formatShape } from '../errors.js';
import { engine } from '../runtime/engine.js';
import { MAX_ELEMENTS, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sha256Hex } from './sha256.js';

/** What a safetensors file holds: tensors by name and the `__metadata__` strings. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** The `__metadata__` key under which we record the SHA-256 (hex) of the data section. */
export const CHECKSUM_KEY = 'wasmgrad.sha256';

/** The reference implementation refuses headers over 100 MB so a hostile file cannot make us parse gigabytes of JSON. */
export const MAX_HEADER_BYTES = 100 * 1000 * 1000;

const METADATA_KEY = '__metadata__';

/** How each dtype we read is decoded: its width and how one element becomes a float32 or int32. */
interface StoredDType {
  bytes: number;
  target: DType;
  read?: (view: DataView, at: number) => number;
}

const STORED_DTYPES: Record<string, StoredDType> = {
  F32: { bytes: 4, target: 'float32' },
  I32: { bytes: 4, target: 'int32' },
  // F64 loses precision on the way to float32: weights saved in double precision load as floats.
  F64: { bytes: 8, target: 'float32', read: (v, at) => v.getFloat64(at, true) },
  F16: { bytes: 2, target: 'float32', read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BF16: { bytes: 2, target: 'float32', read: (v, at) => bfloat16ToFloat(v.getUint16(at, true)) },
  I64: { bytes: 8, target: 'int32', read: (v, at) => Number(v.getBigInt64(at, true)) },
  U32: { bytes: 4, target: 'int32', read: (v, at) => v.getUint32(at, true) },
  I16: { bytes: 2, target: 'int32', read: (v, at) => v.getInt16(at, true) },
  U16: { bytes: 2, target: 'int32', read: (v, at) => v.getUint16(at, true) },
  I8: { bytes: 1, target: 'int32', read: (v, at) => v.getInt8(at) },
  U8: { bytes: 1, target: 'int32', read: (v, at) => v.getUint8(at) },
  BOOL: { bytes: 1, target: 'int32', read: (v, at) => (v.getUint8(at) === 0 ? 0 : 1) },
};

const SAVED_DTYPE: Record<DType, string> = { float32: 'F32', int32: 'I32' };

const widened = new DataView(new ArrayBuffer(4));

/** A bfloat16 is the top half of a float32. */
function bfloat16ToFloat(bits: number): number {
  widened.setUint32(0, bits << 16);
  return widened.getFloat32(0);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bytes of a tensor's elements in row-major order, little-endian like the wasm memory. */
function tensorBytes(t: Tensor): Uint8Array {
  if (t.isContiguous()) {
    const start = t.ptr('saveSafetensors');
    return engine().heap.u8.subarray(start, start + t.size * 4);
  }
  // toArray is in host byte order; every host that runs wasm SIMD today is little-endian.
  const copy = t.toArray();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

function checkSaveArguments(tensors: Record<string, Tensor>, metadata: Record<string, string>): void {
  if (!isPlainObject(tensors)) {
    throw new ArgumentError(`saveSafetensors: expected an object mapping names to tensors, got ${String(tensors)}`);
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (name === METADATA_KEY) throw new ArgumentError(`saveSafetensors: "${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (!(t instanceof Tensor)) throw new ArgumentError(`saveSafetensors: "${name}" is not a Tensor (got ${String(t)})`);
    t.assertAlive(`saveSafetensors ("${name}")`);
  }
  if (!isPlainObject(metadata)) throw new ArgumentError(`saveSafetensors: metadata must be an object of strings, got ${String(metadata)}`);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new ArgumentError(`saveSafetensors: metadata "${key}" must be a string (safetensors stores only strings), got ${typeof value}`);
    }
    if (key === CHECKSUM_KEY) throw new ArgumentError(`saveSafetensors: metadata key "${CHECKSUM_KEY}" is reserved for the checksum`);
  }
}

/** Encodes the header, padded with spaces so the data section starts 8-byte aligned, as the reference writer does. */
function encodeHeader(header: Record<string, unknown>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

/**
 * Serialises tensors (in the key order of `tensors`) and string metadata into a safetensors file.
 * The SHA-256 of the data section is recorded in `__metadata__` under `CHECKSUM_KEY`.
 */
export function saveSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  checkSaveArguments(tensors, metadata);
  const header: Record<string, unknown> = {};
  // The checksum goes in last; a placeholder of the same length fixes the header's size first.
  const placeholder = '0'.repeat(64);
  header[METADATA_KEY] = { ...metadata, [CHECKSUM_KEY]: placeholder };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = t.size * 4;
    header[name] = { dtype: SAVED_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const headerBytes = encodeHeader(header).length;
  const file = new Uint8Array(8 + headerBytes + offset);
  const dataStart = 8 + headerBytes;
  let at = dataStart;
  for (const t of Object.values(tensors)) {
    file.set(tensorBytes(t), at);
    at += t.size * 4;
  }
  header[METADATA_KEY] = { ...metadata, [CHECKSUM_KEY]: sha256Hex(file.subarray(dataStart)) };
  const finalHeader = encodeHeader(header);
  new DataView(file.buffer).setBigUint64(0, BigInt(finalHeader.length), true);
  file.set(finalHeader, 8);
  return file;
}

/** One tensor entry of the header after validation. */
interface Entry {
  name: string;
  dtype: StoredDType;
  dtypeName: string;
  shape: number[];
  begin: number;
  end: number;
}

function fail(reason: string): never {
  throw new FormatError(`loadSafetensors: ${reason}`);
}

function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(`truncated file: ${bytes.length} bytes, but the 8-byte header length alone needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) fail(`header length ${length} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLength = Number(length);
  if (8 + headerLength > bytes.length) {
    fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated file?)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail(`header must be a JSON object, got ${Array.isArray(header) ? 'an array' : String(header)}`);
  return { header, dataStart: 8 + headerLength };
}

function readMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(`"${METADATA_KEY}" must be an object of strings, got ${JSON.stringify(value)}`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`non-string metadata: "${key}" is ${JSON.stringify(v)}; safetensors metadata values are strings`);
  }
  return value as Record<string, string>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readEntry(name: string, value: unknown): Entry {
  if (!isPlainObject(value)) fail(`tensor "${name}" must be an object with dtype, shape and data_offsets`);
  const { dtype: dtypeName, shape, data_offsets: offsets } = value;
  if (typeof dtypeName !== 'string' || !Object.hasOwn(STORED_DTYPES, dtypeName)) {
    fail(`unknown or unsupported dtype ${JSON.stringify(dtypeName)} for tensor "${name}"; readable: ${Object.keys(STORED_DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${name}" has shape ${JSON.stringify(shape)}; expected an array of whole numbers >= 0`);
  if (numel(shape) > MAX_ELEMENTS) fail(`tensor "${name}" has shape ${formatShape(shape)}, over ${MAX_ELEMENTS} elements`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] of whole numbers >= 0`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] out of order (begin after end)`);
  const dtype = STORED_DTYPES[dtypeName];
  const expected = numel(shape) * dtype.bytes;
  if (end - begin !== expected) {
    fail(`tensor "${name}" of shape ${formatShape(shape)} and dtype ${dtypeName} needs ${expected} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, dtypeName, shape, begin, end };
}

/** The tensors must tile the data section exactly: the reference loader refuses anything else. */
function checkTiling(entries: Entry[], dataLength: number): void {
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of byOffset) {
    if (e.end > dataLength) {
      fail(`tensor "${e.name}" data_offsets [${e.begin}, ${e.end}] are out of bounds: the data section has ${dataLength} bytes (truncated file?)`);
    }
    if (e.begin < covered) fail(`tensor "${e.name}" data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${covered}`);
    if (e.begin > covered) fail(`gap of ${e.begin - covered} bytes in the data section before tensor "${e.name}" (at ${covered})`);
    covered = e.end;
  }
  if (covered < dataLength) fail(`${dataLength - covered} bytes after the last tensor (at ${covered}) belong to no tensor`);
}

function decodeTensor(bytes: Uint8Array, dataStart: number, e: Entry): Tensor {
  const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
  const { read, target } = e.dtype;
  if (read === undefined) {
    // F32 and I32: the wasm memory is little-endian like the file, so the bytes go in unchanged (NaN payloads too).
    const t = empty(e.shape, target);
    engine().heap.u8.set(raw, t.ptr());
    return t;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = numel(e.shape);
  const values = target === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = read(view, i * e.dtype.bytes);
    if (target === 'int32' && (v < -(2 ** 31) || v >= 2 ** 31)) {
      throw new DTypeError(`loadSafetensors: tensor "${e.name}" (${e.dtypeName}) holds ${v} at index ${i}, outside the int32 range`);
    }
    values[i] = v;
  }
  return tensor(values, e.shape, target);
}

/**
 * Reads a safetensors file. F32 and I32 load as float32 and int32 unchanged; F64, F16 and BF16
 * become float32 (F64 rounds); I64, U32, I16, U16, I8, U8 and BOOL become int32, and a value
 * outside the int32 range is a DTypeError. Other dtypes are refused. When the metadata holds
 * `CHECKSUM_KEY`, the data section must match it. The returned metadata includes that key.
 * The caller owns (and disposes) the returned tensors.
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`loadSafetensors: expected a Uint8Array, got ${String(bytes)}`);
  const { header, dataStart } = readHeader(bytes);
  const metadata = readMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, value]) => readEntry(name, value));
  const dataLength = bytes.length - dataStart;
  checkTiling(entries, dataLength);
  const recorded = metadata[CHECKSUM_KEY];
  if (recorded !== undefined) {
    const actual = sha256Hex(bytes.subarray(dataStart));
    if (actual !== recorded) fail(`checksum mismatch: the data section hashes to SHA-256 ${actual} but the header records ${recorded} (corrupted file, e.g. a bit flip)`);
  }
  const tensors: Record<string, Tensor> = {};
  try {
    for (const e of entries) tensors[e.name] = decodeTensor(bytes, dataStart, e);
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
  return { tensors, metadata: { ...metadata } };
}
