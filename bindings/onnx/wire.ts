// A protobuf schema declared as data (https://protobuf.dev/programming-guides/encoding/): the
// declaration language, the JS values a field reads as and is written from, and each declaration
// checked and compiled once into what wire-reader.ts and wire-writer.ts walk. One declaration
// gives both directions, so the reader and the writer cannot disagree on a field.
import { ArgumentError } from '../index.js';

/** The scalar types a field may have; any other type names a message of the same schema. */
export type ScalarType = 'int32' | 'int64' | 'uint64' | 'enum' | 'bool' | 'float' | 'double' | 'string' | 'bytes';

export interface FieldDeclaration {
  /** The field number of the .proto. */
  readonly id: number;
  readonly type: string;
  readonly repeated?: boolean;
}

/** Message name → field name → declaration. */
export type Schema = Readonly<Record<string, Readonly<Record<string, FieldDeclaration>>>>;

/** A singular field as read: int64 and uint64 as BigInt, so no value loses bits. */
interface ScalarValue {
  int32: number; int64: bigint; uint64: bigint; enum: number; bool: boolean;
  float: number; double: number; string: string;
  /** A view into the bytes read, not a copy. */
  bytes: Uint8Array;
}

/**
 * A repeated field as read, packed and unpacked occurrences together in their order: numbers as a
 * typed array. An absent field reads as a shared, frozen empty array.
 */
interface RepeatedValue {
  int32: Int32Array; int64: BigInt64Array; uint64: BigUint64Array; enum: Int32Array;
  /** 0 or 1 per value, as ONNX holds bool tensors. */
  bool: Uint8Array;
  float: Float32Array; double: Float64Array; string: readonly string[]; bytes: readonly Uint8Array[];
}

/** A singular field to write: an int64 may be a number (a safe integer) or a BigInt. */
interface ScalarInput {
  int32: number; int64: number | bigint; uint64: number | bigint; enum: number; bool: boolean;
  float: number; double: number; string: string; bytes: Uint8Array;
}

interface RepeatedInput {
  int32: ArrayLike<number>; int64: ArrayLike<number | bigint>; uint64: ArrayLike<number | bigint>; enum: ArrayLike<number>;
  bool: ArrayLike<boolean | number>; float: ArrayLike<number>; double: ArrayLike<number>;
  string: readonly string[]; bytes: readonly Uint8Array[];
}

type TypeOf<S extends Schema, M extends keyof S, K extends keyof S[M]> = S[M][K]['type'];
type IsRepeated<F> = F extends { repeated: true } ? true : false;

/**
 * A message as read: a singular field absent from the bytes is absent (undefined), so presence
 * can be told; a repeated field is always there, empty when absent.
 */
export type Decoded<S extends Schema, M extends keyof S> = {
  -readonly [K in keyof S[M] as IsRepeated<S[M][K]> extends true ? K : never]: TypeOf<S, M, K> extends ScalarType
    ? RepeatedValue[TypeOf<S, M, K>]
    : readonly Decoded<S, TypeOf<S, M, K>>[];
} & {
  -readonly [K in keyof S[M] as IsRepeated<S[M][K]> extends true ? never : K]?: TypeOf<S, M, K> extends ScalarType
    ? ScalarValue[TypeOf<S, M, K>]
    : Decoded<S, TypeOf<S, M, K>>;
};

/** A message to write: every field optional; a field left undefined is not written. */
export type Encodable<S extends Schema, M extends keyof S> = {
  readonly [K in keyof S[M]]?: IsRepeated<S[M][K]> extends true
    ? TypeOf<S, M, K> extends ScalarType ? RepeatedInput[TypeOf<S, M, K>] : readonly Encodable<S, TypeOf<S, M, K>>[]
    : TypeOf<S, M, K> extends ScalarType ? ScalarInput[TypeOf<S, M, K>] : Encodable<S, TypeOf<S, M, K>>;
};

/** The low three bits of a tag. Groups (3, 4) are deprecated and not in any schema we read. */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

const SCALAR_WIRE_TYPES: Record<ScalarType, number> = {
  int32: WireType.varint, int64: WireType.varint, uint64: WireType.varint, enum: WireType.varint, bool: WireType.varint,
  float: WireType.fixed32, double: WireType.fixed64, string: WireType.lengthDelimited, bytes: WireType.lengthDelimited,
};

export interface Field {
  readonly name: string;
  readonly id: number;
  /** Its position in its message's `fields`. */
  readonly index: number;
  readonly repeated: boolean;
  /** The scalar type, or null for a message field. */
  readonly scalar: ScalarType | null;
  readonly message: Message | null;
  /** The wire type of one value; a repeated number may also come packed (length-delimited). */
  readonly wireType: number;
  /** A repeated number: written packed, read packed or not. */
  readonly packed: boolean;
}

export interface Message {
  readonly name: string;
  /** In field-number order, the order they are written in. */
  readonly fields: readonly Field[];
  readonly byId: ReadonlyMap<number, Field>;
  /** The repeated strings, bytes and messages: read into arrays. */
  readonly lists: readonly Field[];
  /** The repeated numbers: read into typed arrays. */
  readonly packed: readonly Field[];
}

// Field numbers 19000-19999 are reserved by protobuf; 2^29 - 1 is the largest a tag holds.
const MAX_FIELD_NUMBER = 2 ** 29 - 1;

function compile(schema: Schema): Map<string, Message> {
  const messages = new Map<string, { name: string; fields: Field[]; byId: Map<number, Field>; lists: Field[]; packed: Field[] }>();
  for (const name of Object.keys(schema)) messages.set(name, { name, fields: [], byId: new Map(), lists: [], packed: [] });
  for (const [name, declarations] of Object.entries(schema)) {
    const message = messages.get(name)!;
    for (const [fieldName, d] of Object.entries(declarations).sort(([, a], [, b]) => a.id - b.id)) {
      const what = `wire: field ${name}.${fieldName}`;
      const scalar = Object.hasOwn(SCALAR_WIRE_TYPES, d.type) ? (d.type as ScalarType) : null;
      const target = scalar === null ? messages.get(d.type) : undefined;
      if (scalar === null && target === undefined) throw new ArgumentError(`${what}: type '${d.type}' is neither a scalar type nor a message of the schema`);
      if (!Number.isInteger(d.id) || d.id < 1 || d.id > MAX_FIELD_NUMBER || (d.id >= 19000 && d.id <= 19999)) {
        throw new ArgumentError(`${what}: field number ${d.id} is not one protobuf allows (1..2^29-1, not 19000..19999)`);
      }
      const clash = message.byId.get(d.id);
      if (clash) throw new ArgumentError(`${what}: field number ${d.id} is also ${name}.${clash.name}'s`);
      const wireType = scalar === null ? WireType.lengthDelimited : SCALAR_WIRE_TYPES[scalar];
      const repeated = d.repeated === true;
      const field: Field = {
        name: fieldName, id: d.id, index: message.fields.length, repeated, scalar, message: target ?? null, wireType,
        packed: repeated && wireType !== WireType.lengthDelimited,
      };
      message.fields.push(field);
      message.byId.set(d.id, field);
      if (field.packed) message.packed.push(field);
      else if (repeated) message.lists.push(field);
    }
  }
  return messages;
}

const compiled = new WeakMap<Schema, Map<string, Message>>();

/** The compiled message `name` of `schema`; the schema is checked and compiled on first use. */
export function messageOf(schema: Schema, name: string): Message {
  let messages = compiled.get(schema);
  if (messages === undefined) {
    messages = compile(schema);
    compiled.set(schema, messages);
  }
  const message = messages.get(name);
  if (message === undefined) throw new ArgumentError(`wire: '${name}' is not a message of the schema; it has ${[...messages.keys()].join(', ')}`);
  return message;
}
