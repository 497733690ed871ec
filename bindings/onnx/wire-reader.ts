// Protobuf bytes → plain JS objects, walking a message compiled from its declaration (wire.ts), by
// the spec's reader rules: unknown fields of every wire type are skipped; repeated numbers are
// accepted packed and unpacked, in any mix; the last value of a singular scalar wins; several
// occurrences of a singular message merge. Anything malformed is a FormatError naming the field
// being read and the byte offset, never a RangeError or a wrong value.
import { ArgumentError, FormatError } from '../index.js';
import { messageOf, WireType, type Decoded, type Field, type Message, type ScalarType, type Schema } from './wire.js';

// protobuf's own parsers stop at this depth too; deeper nesting would only overflow the stack.
const MAX_DEPTH = 100;

type Obj = Record<string, unknown>;
type NumberArray = Int32Array | BigInt64Array | BigUint64Array | Uint8Array | Float32Array | Float64Array;
type NumberType = Exclude<ScalarType, 'string' | 'bytes'>;

const ARRAYS: Record<NumberType, { new (length: number): NumberArray; from(values: ArrayLike<unknown>): NumberArray }> = {
  int32: Int32Array, enum: Int32Array, int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
  float: Float32Array, double: Float64Array,
};

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start group', 'end group', 'fixed32'];

const utf8 = new TextDecoder();

class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos = 0;
  /** The last varint read: its low and high 32 bits, unsigned. */
  lo = 0;
  hi = 0;
  /**
   * What is being read, for errors, kept as parts and made a string only for an error: the
   * fields entered from the root (with the index of each repeated one, or -1) and the field
   * being read (its number when unknown).
   */
  readonly trail: Field[] = [];
  readonly indices: number[] = [];
  field: Field | number | null = null;

  constructor(readonly root: Message, bytes: Uint8Array) {
    // Shared memory (wasm's, say) is copied first: another thread could change a length after it
    // was checked, and browsers' TextDecoder refuses shared views. Otherwise a plain Uint8Array
    // over the same memory, so bytes fields read as views of one class, Node Buffer or not.
    const shared = typeof SharedArrayBuffer !== 'undefined' && bytes.buffer instanceof SharedArrayBuffer;
    this.bytes = shared ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Steps into a field's message, the index-th of a repeated field or -1. */
  enter(field: Field, index: number): void {
    this.trail.push(field);
    this.indices.push(index);
  }

  leave(): void {
    this.trail.pop();
    this.indices.pop();
  }

  fail(problem: string, at: number): never {
    const path = this.trail.map((f, i) => `.${f.name}${this.indices[i] < 0 ? '' : `[${this.indices[i]}]`}`).join('');
    const f = this.field;
    const field = f === null ? '' : typeof f === 'number' ? ` field ${f} (unknown)` : `.${f.name} (field ${f.id})`;
    throw new FormatError(`${this.root.name}${path}${field}: ${problem} at byte ${at}`);
  }

  private pastEnd(what: string, at: number, end: number): never {
    const message = this.trail.length === 0 ? this.root : this.trail[this.trail.length - 1].message!;
    return this.fail(`${what} runs past the end of the ${message.name} (byte ${end})`, at);
  }

  /** Reads the varint at pos into lo and hi. */
  varint(end: number): void {
    const b = this.bytes;
    const at = this.pos;
    // Most tags and lengths are one byte.
    if (at < end && b[at] < 0x80) {
      this.lo = b[at];
      this.hi = 0;
      this.pos = at + 1;
      return;
    }
    let pos = at;
    let lo = 0;
    let hi = 0;
    // Bits 0..27 in bytes 0..3, 28..34 split across the halves by byte 4, 35..63 in bytes 5..9;
    // a tenth byte's bits past the 64th are dropped, as protobuf's own parsers do.
    for (let i = 0; i < 10; i++) {
      if (pos >= end) this.pastEnd('a varint', at, end);
      const byte = b[pos++];
      const bits = byte & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        this.pos = pos;
        return;
      }
    }
    this.fail('a varint is longer than 10 bytes', at);
  }

  /** Reads a length prefix; returns where the delimited bytes end. */
  length(end: number): number {
    const at = this.pos;
    this.varint(end);
    const length = this.hi * 2 ** 32 + this.lo;
    if (length > end - this.pos) this.pastEnd(`length ${length}`, at, end);
    return this.pos + length;
  }

  /** Steps over `size` bytes of a fixed-width value; returns where it starts. */
  fixed(size: number, end: number): number {
    const at = this.pos;
    if (size > end - at) this.pastEnd(`a fixed${size * 8} value`, at, end);
    this.pos = at + size;
    return at;
  }

  /** One value of a number field, a bool as 0 or 1. */
  number(type: NumberType, end: number): number | bigint {
    switch (type) {
      case 'float': return this.view.getFloat32(this.fixed(4, end), true);
      case 'double': return this.view.getFloat64(this.fixed(8, end), true);
    }
    this.varint(end);
    switch (type) {
      // Negative int32s are written sign-extended to 64 bits: the low half is the value.
      case 'int32': case 'enum': return this.lo | 0;
      case 'bool': return (this.lo | this.hi) === 0 ? 0 : 1;
      // Small values (the usual ones) as one BigInt, not four.
      case 'int64':
        if (this.hi === 0) return BigInt(this.lo);
        if (this.hi === 0xffffffff && this.lo >= 0x80000000) return BigInt(this.lo | 0);
        return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
      case 'uint64': return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
    }
  }

  /** The values of one packed occurrence (length-delimited) of a repeated number field. */
  packed(type: NumberType, end: number): NumberArray {
    const at = this.pos;
    const stop = this.length(end);
    const start = this.pos;
    this.pos = stop;
    if (type === 'float' || type === 'double') {
      const size = type === 'float' ? 4 : 8;
      if ((stop - start) % size !== 0) this.fail(`${stop - start} bytes of packed ${type}s are not whole ${size}-byte values`, at);
      // One copy into fresh (aligned) memory, read in place: little-endian, as on every host wasm runs on.
      const copy = new Uint8Array(stop - start);
      copy.set(this.bytes.subarray(start, stop));
      return type === 'float' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
    }
    // Each varint ends in the one byte of it below 0x80, so they can be counted before reading.
    let count = 0;
    for (let i = start; i < stop; i++) if (this.bytes[i] < 0x80) count++;
    if (stop > start && this.bytes[stop - 1] >= 0x80) this.fail(`the packed ${type}s end inside a varint`, at);
    const out = new ARRAYS[type](count);
    this.pos = start;
    if (type === 'int64' || type === 'uint64') {
      // The halves written straight into the 64-bit lanes (little-endian), no BigInt per value.
      const halves = new Uint32Array(out.buffer);
      for (let k = 0; k < count; k++) {
        this.varint(stop);
        halves[2 * k] = this.lo;
        halves[2 * k + 1] = this.hi;
      }
    } else {
      for (let k = 0; k < count; k++) out[k] = this.number(type, stop) as number;
    }
    return out;
  }

  /** Steps over an unknown field's value. */
  skip(wireType: number, end: number): void {
    switch (wireType) {
      case WireType.varint: this.varint(end); break;
      case WireType.fixed64: this.fixed(8, end); break;
      case WireType.lengthDelimited: this.pos = this.length(end); break;
      case WireType.fixed32: this.fixed(4, end); break;
    }
  }
}

/** The values of a repeated number field gathered across its occurrences, in order. */
class Gathered {
  private readonly chunks: NumberArray[] = [];
  private values: (number | bigint)[] = [];

  constructor(private readonly type: NumberType) {}

  add(value: number | bigint): void {
    this.values.push(value);
  }

  addPacked(chunk: NumberArray): void {
    this.flush();
    this.chunks.push(chunk);
  }

  result(): NumberArray {
    this.flush();
    return this.chunks.length === 1 ? this.chunks[0] : concat(this.type, this.chunks);
  }

  private flush(): void {
    if (this.values.length === 0) return;
    this.chunks.push(ARRAYS[this.type].from(this.values));
    this.values = [];
  }
}

/**
 * A message's repeated fields while it is read, by field index: an array of each repeated
 * string, bytes or message field, the Gathered values of each repeated number field.
 */
type Repeated = (unknown[] | Gathered | undefined)[];

// Shared by every message that lacks the field: an empty typed array per number type (its
// allocation was most of the cost of a small message) and an empty list, frozen.
const NONE = Object.freeze([]) as readonly unknown[];
const NO_NUMBERS = Object.fromEntries(Object.entries(ARRAYS).map(([type, Array]) => [type, Object.freeze(new Array(0))])) as Record<NumberType, NumberArray>;

function concat(type: NumberType, chunks: NumberArray[]): NumberArray {
  const out = new ARRAYS[type](chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    (out as Uint8Array).set(c as Uint8Array, at);
    at += c.length;
  }
  return out;
}

/** Merges a later occurrence of a singular message into the earlier one, as protobuf does. */
function merge(message: Message, into: Obj, from: Obj): void {
  for (const f of message.fields) {
    const value = from[f.name];
    const old = into[f.name];
    if (value === undefined) continue;
    if (f.packed) into[f.name] = concat(f.scalar as NumberType, [old as NumberArray, value as NumberArray]);
    else if (f.repeated) into[f.name] = (old as unknown[]).concat(value);
    else if (f.message !== null && old !== undefined) merge(f.message, old as Obj, value as Obj);
    else into[f.name] = value;
  }
}

function readMessage(r: Reader, message: Message, end: number): Obj {
  const out: Obj = {};
  const repeated: Repeated = [];
  while (r.pos < end) {
    r.field = null;
    const at = r.pos;
    r.varint(end);
    const id = r.lo >>> 3;
    const wireType = r.lo & 7;
    if (id === 0 || r.hi !== 0) r.fail(`field number ${r.hi * 2 ** 29 + id} is not valid`, at);
    const field = message.byId.get(id);
    r.field = field ?? id;
    if (wireType === 3 || wireType === 4) r.fail(`wire type ${wireType} (${WIRE_NAMES[wireType]}): groups are not supported`, at);
    if (wireType > 5) r.fail(`wire type ${wireType} is not a protobuf wire type`, at);
    if (field === undefined) {
      r.skip(wireType, end);
    } else if (wireType === field.wireType) {
      readValue(r, field, out, repeated, end);
    } else if (field.packed && wireType === WireType.lengthDelimited) {
      gathered(repeated, field).addPacked(r.packed(field.scalar as NumberType, end));
    } else {
      const type = `${field.repeated ? 'repeated ' : ''}${field.scalar ?? field.message!.name}`;
      const packed = field.packed ? ' or 2 (packed)' : '';
      r.fail(`wire type ${wireType} (${WIRE_NAMES[wireType]}), but ${type} is read as ${field.wireType} (${WIRE_NAMES[field.wireType]})${packed}`, at);
    }
  }
  for (const f of message.lists) out[f.name] = repeated[f.index] ?? NONE;
  for (const f of message.packed) out[f.name] = (repeated[f.index] as Gathered | undefined)?.result() ?? NO_NUMBERS[f.scalar as NumberType];
  return out;
}

function gathered(repeated: Repeated, field: Field): Gathered {
  return (repeated[field.index] ??= new Gathered(field.scalar as NumberType)) as Gathered;
}

/** One value of a known field in its own wire type, stored into `out` (or `repeated`). */
function readValue(r: Reader, field: Field, out: Obj, repeated: Repeated, end: number): void {
  const list = field.repeated && !field.packed ? ((repeated[field.index] ??= []) as unknown[]) : null;
  if (field.message !== null) {
    const stop = r.length(end);
    if (r.trail.length >= MAX_DEPTH) r.fail(`messages nested more than ${MAX_DEPTH} deep`, r.pos);
    r.enter(field, list === null ? -1 : list.length);
    const value = readMessage(r, field.message, stop);
    r.leave();
    if (list !== null) list.push(value);
    else if (out[field.name] === undefined) out[field.name] = value;
    else merge(field.message, out[field.name] as Obj, value);
    return;
  }
  if (field.scalar === 'string' || field.scalar === 'bytes') {
    const stop = r.length(end);
    const bytes = r.bytes.subarray(r.pos, stop);
    const value = field.scalar === 'string' ? utf8.decode(bytes) : bytes;
    r.pos = stop;
    if (list !== null) list.push(value);
    else out[field.name] = value;
    return;
  }
  const type = field.scalar as NumberType;
  const value = r.number(type, end);
  if (field.packed) gathered(repeated, field).add(value);
  else out[field.name] = type === 'bool' ? value === 1 : value;
}

/** The message `name` of `schema` read from `bytes`; a FormatError names what is malformed and where. */
export function decodeMessage<S extends Schema, M extends keyof S & string>(schema: S, name: M, bytes: Uint8Array): Decoded<S, M> {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`wire: expected the bytes of ${name} as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  const message = messageOf(schema, name);
  return readMessage(new Reader(message, bytes), message, bytes.length) as Decoded<S, M>;
}
