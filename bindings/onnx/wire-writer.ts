// Plain JS objects → protobuf bytes, walking a message compiled from its declaration (wire.ts):
// fields in field-number order, repeated numbers packed, and every field that is set written,
// defaults included, as onnx's own (proto2) serializer writes a field that has been set; a field
// left undefined is not written. A value the field's type cannot hold exactly, or a key the
// message does not declare, is an ArgumentError naming the field.
import { ArgumentError } from '../index.js';
import { messageOf, WireType, type Encodable, type Field, type Message, type ScalarType, type Schema } from './wire.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const utf8 = new TextEncoder();

class Writer {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  pos = 0;

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  /** A varint of the 64 bits hi:lo (each unsigned 32-bit). */
  varint(lo: number, hi: number): void {
    this.reserve(10);
    const b = this.bytes;
    while (hi !== 0 || lo > 0x7f) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[this.pos++] = lo;
  }

  tag(id: number, wireType: number): void {
    this.varint(((id << 3) | wireType) >>> 0, 0);
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes `body`'s bytes after their length, a varint as short as the length allows. */
  delimited(body: () => void): void {
    // One byte reserved for the length; a longer one shifts the body up once it is written.
    this.reserve(1);
    const start = ++this.pos;
    body();
    const length = this.pos - start;
    const size = varintSize(length);
    if (size > 1) {
      this.reserve(size - 1);
      this.bytes.copyWithin(start + size - 1, start, this.pos);
    }
    const end = this.pos + size - 1;
    this.pos = start - 1;
    this.varint(length, 0);
    this.pos = end;
  }
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** The 64-bit two's complement halves of an integer field's value, refused unless the type holds it exactly. */
function integerHalves(type: ScalarType, value: unknown, what: () => string): [number, number] {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
  else throw new ArgumentError(`${what()}: ${String(value)} is not an integer (a safe-integer number or a BigInt) for ${type}`);
  const [min, max] = type === 'uint64' ? [0n, 2n ** 64n - 1n] : type === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [BigInt(INT32_MIN), BigInt(INT32_MAX)];
  if (big < min || big > max) throw new ArgumentError(`${what()}: ${big} is outside ${type}'s range ${min}..${max}`);
  const bits = BigInt.asUintN(64, big);
  return [Number(bits & 0xffffffffn), Number(bits >> 32n)];
}

/** One value of a number field, without its tag. */
function writeNumber(w: Writer, type: ScalarType, value: unknown, what: () => string): void {
  switch (type) {
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw new ArgumentError(`${what()}: ${String(value)} is not a number for ${type}`);
      w.reserve(8);
      if (type === 'float') w.view.setFloat32(w.pos, value, true);
      else w.view.setFloat64(w.pos, value, true);
      w.pos += type === 'float' ? 4 : 8;
      return;
    case 'bool':
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) throw new ArgumentError(`${what()}: ${String(value)} is not a bool`);
      w.varint(value ? 1 : 0, 0);
      return;
    case 'int32':
    case 'enum':
      // Negative int32s go sign-extended to 64 bits, ten bytes, as the spec says.
      if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
        w.varint(value >>> 0, value < 0 ? 0xffffffff : 0);
        return;
      }
  }
  const [lo, hi] = integerHalves(type, value, what);
  w.varint(lo, hi);
}

function writeScalar(w: Writer, field: Field, value: unknown, what: () => string): void {
  w.tag(field.id, field.wireType);
  if (field.scalar === 'string') {
    if (typeof value !== 'string') throw new ArgumentError(`${what()}: ${String(value)} is not a string`);
    const bytes = utf8.encode(value);
    w.varint(bytes.length, 0);
    w.raw(bytes);
  } else if (field.scalar === 'bytes') {
    if (!(value instanceof Uint8Array)) throw new ArgumentError(`${what()}: expected a Uint8Array, got ${Object.prototype.toString.call(value)}`);
    w.varint(value.length, 0);
    w.raw(value);
  } else {
    writeNumber(w, field.scalar as ScalarType, value, what);
  }
}

/** A repeated number field as one packed occurrence; floats and doubles copied as whole arrays. */
function writePacked(w: Writer, field: Field, values: ArrayLike<unknown>, what: () => string): void {
  w.tag(field.id, WireType.lengthDelimited);
  const type = field.scalar as ScalarType;
  if (type === 'float' || type === 'double') {
    const size = type === 'float' ? 4 : 8;
    // A float array holds numbers already; anything else is checked value by value.
    const checked = values instanceof Float32Array || values instanceof Float64Array;
    for (let i = 0; !checked && i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new ArgumentError(`${what()}[${i}]: ${String(values[i])} is not a number for ${type}`);
    }
    const typed = type === 'float' ? Float32Array.from(values as ArrayLike<number>) : Float64Array.from(values as ArrayLike<number>);
    w.varint(values.length * size, 0);
    w.raw(new Uint8Array(typed.buffer));
    return;
  }
  w.delimited(() => {
    for (let i = 0; i < values.length; i++) writeNumber(w, type, values[i], () => `${what()}[${i}]`);
  });
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function writeMessage(w: Writer, message: Message, value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || isArrayLike(value)) {
    throw new ArgumentError(`${path}: expected an object for ${message.name}, got ${Object.prototype.toString.call(value)}`);
  }
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!message.fields.some((f) => f.name === key)) {
      throw new ArgumentError(`${path}: '${key}' is not a field of ${message.name}; its fields are ${message.fields.map((f) => f.name).join(', ')}`);
    }
  }
  for (const field of message.fields) {
    const v = fields[field.name];
    if (v === undefined) continue;
    const what = () => `${path}.${field.name}`;
    if (!field.repeated) {
      if (field.message === null) writeScalar(w, field, v, what);
      else {
        w.tag(field.id, WireType.lengthDelimited);
        w.delimited(() => writeMessage(w, field.message!, v, what()));
      }
      continue;
    }
    if (!isArrayLike(v)) throw new ArgumentError(`${what()}: a repeated field takes an array, got ${Object.prototype.toString.call(v)}`);
    if (v.length === 0) continue;
    if (field.packed) writePacked(w, field, v, what);
    else if (field.message === null) for (let i = 0; i < v.length; i++) writeScalar(w, field, v[i], () => `${what()}[${i}]`);
    else {
      for (let i = 0; i < v.length; i++) {
        w.tag(field.id, WireType.lengthDelimited);
        w.delimited(() => writeMessage(w, field.message!, v[i], `${what()}[${i}]`));
      }
    }
  }
}

/** The bytes of `value` as the message `name` of `schema`. */
export function encodeMessage<S extends Schema, M extends keyof S & string>(schema: S, name: M, value: Encodable<S, M>): Uint8Array {
  const w = new Writer();
  writeMessage(w, messageOf(schema, name), value, name);
  return w.bytes.slice(0, w.pos);
}
