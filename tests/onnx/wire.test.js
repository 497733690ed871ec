// The protobuf wire format (bindings/onnx/wire*.ts) byte by byte, on a schema with a field of
// every type: bytes are built here by hand (the spec's varint, little-endian fixed widths), not
// by the writer under test, so reader and writer are each checked against the spec.
import assert from 'node:assert/strict';
import * as wg from '../../dist/bindings/index.js';
import { decodeMessage } from '../../dist/bindings/onnx/wire-reader.js';
import { encodeMessage } from '../../dist/bindings/onnx/wire-writer.js';

const schema = {
  All: {
    i32: { id: 1, type: 'int32' },
    i64: { id: 2, type: 'int64' },
    u64: { id: 3, type: 'uint64' },
    e: { id: 4, type: 'enum' },
    b: { id: 5, type: 'bool' },
    f: { id: 6, type: 'float' },
    d: { id: 7, type: 'double' },
    s: { id: 8, type: 'string' },
    by: { id: 9, type: 'bytes' },
    m: { id: 10, type: 'Inner' },
    ri32: { id: 11, type: 'int32', repeated: true },
    ri64: { id: 12, type: 'int64', repeated: true },
    ru64: { id: 13, type: 'uint64', repeated: true },
    rf: { id: 14, type: 'float', repeated: true },
    rd: { id: 15, type: 'double', repeated: true },
    rb: { id: 16, type: 'bool', repeated: true },
    rs: { id: 17, type: 'string', repeated: true },
    rm: { id: 18, type: 'Inner', repeated: true },
  },
  Inner: {
    x: { id: 1, type: 'int32' },
    ys: { id: 2, type: 'int32', repeated: true },
    child: { id: 3, type: 'Inner' },
  },
};

const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;
const FIXED32 = 5;

/** The spec's base-128 varint of an integer, negatives as 64-bit two's complement. */
function varint(n) {
  let v = BigInt.asUintN(64, BigInt(n));
  const out = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? low : low | 0x80);
  } while (v !== 0n);
  return out;
}
const tag = (id, wireType) => varint(id * 8 + wireType);
const delimited = (id, body) => [...tag(id, DELIMITED), ...varint(body.length), ...body];
const float32 = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
const float64 = (x) => [...new Uint8Array(new Float64Array([x]).buffer)];
const utf8 = (s) => [...new TextEncoder().encode(s)];
const bytes = (...parts) => Uint8Array.from(parts.flat());
const decode = (...parts) => decodeMessage(schema, 'All', bytes(...parts));

const EMPTY_REPEATED = {
  ri32: new Int32Array(), ri64: new BigInt64Array(), ru64: new BigUint64Array(), rf: new Float32Array(), rd: new Float64Array(),
  rb: new Uint8Array(), rs: [], rm: [],
};

const formatError = (pattern) => (e) => {
  assert.ok(e instanceof wg.FormatError, `${e.name}: ${e.message}`);
  assert.match(e.message, pattern);
  return true;
};

describe('protobuf wire format: reading', () => {
  it('reads every scalar type and an embedded message; absent singular fields stay absent, absent repeated ones are empty', () => {
    const got = decode(
      tag(1, VARINT), varint(150),
      tag(2, VARINT), varint(-2),
      tag(3, VARINT), varint(2n ** 64n - 1n),
      tag(4, VARINT), varint(3),
      tag(5, VARINT), varint(1),
      tag(6, FIXED32), float32(1.5),
      tag(7, FIXED64), float64(0.1),
      delimited(8, utf8('hé')),
      delimited(9, [0, 255]),
      delimited(10, [...tag(1, VARINT), ...varint(-7)]),
    );
    // 150 is the spec's own example: 96 01.
    assert.deepEqual(bytes(tag(1, VARINT), varint(150)), Uint8Array.from([0x08, 0x96, 0x01]));
    assert.deepEqual(got, {
      ...EMPTY_REPEATED, i32: 150, i64: -2n, u64: 2n ** 64n - 1n, e: 3, b: true, f: 1.5, d: 0.1, s: 'hé', by: Uint8Array.from([0, 255]),
      m: { x: -7, ys: new Int32Array() },
    });
    const empty = decode();
    assert.deepEqual(empty, EMPTY_REPEATED);
    // Shared between messages, so frozen: a caller cannot add to one message's list through another's.
    assert.ok(Object.isFrozen(empty.rs) && Object.isFrozen(empty.rm) && Object.isFrozen(empty.rf));
    assert.throws(() => empty.rs.push('x'), TypeError);
  });

  it('reads negative int32 and int64 as the 10-byte varints they are written as, and int64 beyond 2^53 exactly', () => {
    assert.equal(varint(-1).length, 10);
    assert.deepEqual(decode(tag(1, VARINT), varint(-1)).i32, -1);
    assert.deepEqual(decode(tag(1, VARINT), varint(-(2 ** 31))).i32, -(2 ** 31));
    assert.deepEqual(decode(tag(2, VARINT), varint(-(2n ** 63n))).i64, -(2n ** 63n));
    assert.deepEqual(decode(tag(2, VARINT), varint(2n ** 53n + 1n)).i64, 2n ** 53n + 1n);
    assert.deepEqual(decode(tag(2, VARINT), varint(2n ** 63n - 1n)).i64, 2n ** 63n - 1n);
    // A bool is any non-zero varint.
    assert.equal(decode(tag(5, VARINT), varint(2n ** 40n)).b, true);
    assert.equal(decode(tag(5, VARINT), varint(0)).b, false);
  });

  it('reads repeated numbers packed, unpacked and mixed, in order, as typed arrays', () => {
    const big = 2n ** 60n + 3n;
    const got = decode(
      tag(11, VARINT), varint(1),
      delimited(11, [...varint(2), ...varint(-3)]),
      tag(11, VARINT), varint(4),
      delimited(12, [...varint(-1), ...varint(big)]),
      tag(12, VARINT), varint(5),
      tag(13, VARINT), varint(2n ** 64n - 2n),
      delimited(13, varint(7)),
      delimited(14, [...float32(0.5), ...float32(-2)]),
      tag(14, FIXED32), float32(3),
      tag(15, FIXED64), float64(0.1),
      delimited(15, float64(-0.25)),
      delimited(16, [...varint(1), ...varint(0), ...varint(9)]),
      tag(16, VARINT), varint(0),
      delimited(17, utf8('a')),
      delimited(17, utf8('')),
    );
    assert.deepEqual(got.ri32, new Int32Array([1, 2, -3, 4]));
    assert.deepEqual(got.ri64, new BigInt64Array([-1n, big, 5n]));
    assert.deepEqual(got.ru64, new BigUint64Array([2n ** 64n - 2n, 7n]));
    assert.deepEqual(got.rf, new Float32Array([0.5, -2, 3]));
    assert.deepEqual(got.rd, new Float64Array([0.1, -0.25]));
    assert.deepEqual(got.rb, new Uint8Array([1, 0, 1, 0]));
    assert.deepEqual(got.rs, ['a', '']);
  });

  it('reads packed floats at any byte offset of the input, and bytes as a view of it', () => {
    const message = bytes([0xff], delimited(14, [...float32(1), ...float32(2), ...float32(3)]), delimited(9, [1, 2, 3]));
    const got = decodeMessage(schema, 'All', message.subarray(1)); // odd offset: not 4-byte aligned
    assert.deepEqual(got.rf, new Float32Array([1, 2, 3]));
    assert.equal(got.by.buffer, message.buffer);
    assert.deepEqual(got.by, Uint8Array.from([1, 2, 3]));
    // A Node Buffer reads the same, its bytes fields as plain Uint8Arrays.
    assert.deepEqual(decodeMessage(schema, 'All', Buffer.from(message.subarray(1))), got);
    // Shared memory is read from a copy: its bytes fields do not alias memory another thread may change.
    const shared = new Uint8Array(new SharedArrayBuffer(message.length));
    shared.set(message);
    const fromShared = decodeMessage(schema, 'All', shared.subarray(1));
    assert.deepEqual(fromShared, got);
    assert.ok(!(fromShared.by.buffer instanceof SharedArrayBuffer));
  });

  it('keeps the last value of a singular scalar, and merges the occurrences of a singular message', () => {
    assert.equal(decode(tag(1, VARINT), varint(1), tag(1, VARINT), varint(2)).i32, 2);
    assert.equal(decode(delimited(8, utf8('first')), delimited(8, utf8('last'))).s, 'last');
    const got = decode(
      delimited(10, [...tag(1, VARINT), ...varint(1), ...tag(2, VARINT), ...varint(5), ...delimited(3, [...tag(1, VARINT), ...varint(8)])]),
      delimited(10, [...delimited(2, varint(6)), ...delimited(3, tag(2, VARINT).concat(varint(9)))]),
      delimited(10, [...tag(1, VARINT), ...varint(7)]),
    );
    assert.deepEqual(got.m, { x: 7, ys: new Int32Array([5, 6]), child: { x: 8, ys: new Int32Array([9]) } });
  });

  it('merges long repeated fields of a message that occurs twice', () => {
    const lists = { Outer: { list: { id: 1, type: 'List' } }, List: { s: { id: 1, type: 'string', repeated: true } } };
    const body = new Uint8Array(600000).map((_, i) => (i % 2 ? 0 : 0x0a)); // 300,000 empty strings: 0a 00
    const head = bytes(tag(1, DELIMITED), varint(body.length));
    const half = new Uint8Array(head.length + body.length);
    half.set(head);
    half.set(body, head.length);
    const twice = new Uint8Array(2 * half.length);
    twice.set(half);
    twice.set(half, half.length);
    const got = decodeMessage(lists, 'Outer', twice);
    assert.equal(got.list.s.length, 600000);
  });

  it('skips unknown fields of every wire type, wherever they stand', () => {
    const unknown = [
      ...tag(99, VARINT), ...varint(-1),
      ...tag(100, FIXED64), ...float64(1),
      ...delimited(101, [1, 2, 3, 0x80]), // not a valid message inside: never looked at
      ...tag(2 ** 29 - 1, FIXED32), ...float32(1),
    ];
    const got = decode(unknown, tag(1, VARINT), varint(42), unknown, delimited(10, [...unknown, ...tag(1, VARINT), ...varint(3)]), unknown);
    assert.equal(got.i32, 42);
    assert.deepEqual(got.m, { x: 3, ys: new Int32Array() });
  });

  it('refuses truncated input, naming the message, the field and the byte offset', () => {
    assert.throws(() => decode(tag(1, VARINT), [0x96]), formatError(/^All\.i32 \(field 1\): a varint runs past the end of the All \(byte 2\) at byte 1$/));
    assert.throws(() => decode(tag(8, DELIMITED), varint(5), utf8('abc')), formatError(/^All\.s \(field 8\): length 5 runs past the end of the All \(byte 5\) at byte 1$/));
    assert.throws(() => decode(tag(6, FIXED32), [0, 0]), formatError(/^All\.f \(field 6\): a fixed32 value runs past the end of the All \(byte 3\) at byte 1$/));
    assert.throws(() => decode(tag(7, FIXED64), [0, 0, 0, 0]), formatError(/All\.d \(field 7\): a fixed64 value runs past/));
    assert.throws(() => decode([0x80]), formatError(/^All: a varint runs past the end of the All \(byte 1\) at byte 0$/));
    // A length that fits the input but not the message around it.
    const inner = [...tag(8, DELIMITED), ...varint(10)];
    assert.throws(() => decode(delimited(10, inner), utf8('0123456789')), formatError(/^All\.m field 8 \(unknown\): length 10 runs past the end of the Inner \(byte 4\) at byte 3$/));
    // Cut anywhere inside a field: a FormatError; cut between fields: a shorter valid message.
    const fields = [[...tag(1, VARINT), ...varint(-5)], delimited(10, delimited(3, [...tag(1, VARINT), ...varint(300)])), delimited(14, float32(1)), [...tag(7, FIXED64), ...float64(2)]];
    const whole = bytes(...fields);
    const between = new Set(fields.map((_, i) => fields.slice(0, i + 1).flat().length));
    for (let n = 1; n < whole.length; n++) {
      const cut = () => decodeMessage(schema, 'All', whole.subarray(0, n));
      if (between.has(n)) cut();
      else assert.throws(cut, wg.FormatError, `cut at ${n}`);
    }
  });

  it('refuses a varint longer than 10 bytes, a wrong wire type for a known field, groups, wire types 6 and 7, and field number 0', () => {
    assert.throws(() => decode(tag(2, VARINT), Array(10).fill(0xff), [0x01]), formatError(/^All\.i64 \(field 2\): a varint is longer than 10 bytes at byte 1$/));
    assert.throws(() => decode(tag(1, FIXED32), float32(1)), formatError(/^All\.i32 \(field 1\): wire type 5 \(fixed32\), but int32 is read as 0 \(varint\) at byte 0$/));
    assert.throws(() => decode(tag(11, FIXED64), float64(1)), formatError(/All\.ri32 \(field 11\): wire type 1 \(fixed64\), but repeated int32 is read as 0 \(varint\) or 2 \(packed\)/));
    assert.throws(() => decode(tag(8, VARINT), varint(1)), formatError(/All\.s \(field 8\): wire type 0 \(varint\), but string is read as 2 \(length-delimited\)/));
    assert.throws(() => decode(tag(10, FIXED32), float32(1)), formatError(/All\.m \(field 10\): wire type 5 \(fixed32\), but Inner is read as 2/));
    assert.throws(() => decode(tag(1, 3)), formatError(/^All\.i32 \(field 1\): wire type 3 \(start group\): groups are not supported at byte 0$/));
    assert.throws(() => decode(tag(50, 4)), formatError(/^All field 50 \(unknown\): wire type 4 \(end group\): groups are not supported/));
    assert.throws(() => decode(tag(1, 6)), formatError(/wire type 6 is not a protobuf wire type at byte 0/));
    assert.throws(() => decode(tag(50, 7)), formatError(/All field 50 \(unknown\): wire type 7 is not a protobuf wire type/));
    assert.throws(() => decode(tag(1, VARINT), varint(1), [0x00]), formatError(/^All: field number 0 is not valid at byte 2$/));
    assert.throws(() => decode(varint(2n ** 35n)), formatError(/^All: field number 4294967296 is not valid at byte 0$/));
  });

  it('refuses malformed packed data and names a repeated message by its index', () => {
    assert.throws(() => decode(delimited(14, [0, 0, 0, 0, 0])), formatError(/All\.rf \(field 14\): 5 bytes of packed floats are not whole 4-byte values at byte 1/));
    assert.throws(() => decode(delimited(15, [0, 0, 0, 0])), formatError(/All\.rd \(field 15\): 4 bytes of packed doubles are not whole 8-byte values/));
    assert.throws(() => decode(delimited(12, [0x01, 0x80])), formatError(/All\.ri64 \(field 12\): the packed int64s end inside a varint at byte 1/));
    assert.throws(() => decode(delimited(11, [...Array(10).fill(0xff), 0x01])), formatError(/All\.ri32 \(field 11\): a varint is longer than 10 bytes at byte 2/));
    const rm = (body) => delimited(18, body);
    assert.throws(() => decode(rm([]), rm(delimited(3, [...tag(1, FIXED64)]))), formatError(/^All\.rm\[1\]\.child\.x \(field 1\): wire type 1 \(fixed64\), but int32 is read as 0/));
  });

  it('refuses messages nested more than 100 deep with a FormatError, not a stack overflow', () => {
    const nest = (depth) => {
      let body = [];
      for (let i = 0; i < depth; i++) body = delimited(3, body);
      return bytes(delimited(10, body));
    };
    assert.equal(decodeMessage(schema, 'All', nest(98)).m.child.child !== undefined, true);
    assert.throws(() => decodeMessage(schema, 'All', nest(150)), formatError(/messages nested more than 100 deep/));
  });

  it('meets random corruption with a value or a FormatError, nothing else', () => {
    const inner = [...tag(1, VARINT), ...varint(-9), ...delimited(2, [...varint(1), ...varint(300)]), ...delimited(3, [...tag(1, VARINT), ...varint(5)])];
    const good = bytes(
      tag(2, VARINT), varint(-(2n ** 40n)), tag(6, FIXED32), float32(2), tag(7, FIXED64), float64(3), delimited(8, utf8('name')),
      delimited(10, inner), delimited(12, [...varint(-1), ...varint(7)]), delimited(14, [...float32(1), ...float32(2)]),
      delimited(17, utf8('s')), delimited(18, inner), delimited(18, inner), tag(99, VARINT), varint(1),
    );
    let seed = 7;
    const rand = (n) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let refused = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const copy = Uint8Array.from(good);
      for (let k = 0; k <= rand(3); k++) {
        const i = rand(copy.length);
        copy[i] = trial % 2 ? rand(256) : copy[i] ^ (1 << rand(8));
      }
      try {
        decodeMessage(schema, 'All', copy.subarray(0, trial % 3 ? copy.length : rand(copy.length)));
      } catch (e) {
        assert.ok(e instanceof wg.FormatError, `trial ${trial}: ${e.name}: ${e.message}`);
        refused++;
      }
    }
    assert.ok(refused > 500 && refused < 2000, `${refused} of 2000 refused`);
  });

  it('refuses input that is not a Uint8Array, and a message the schema lacks', () => {
    assert.throws(() => decodeMessage(schema, 'All', [8, 1]), (e) => e instanceof wg.ArgumentError && /bytes of All as a Uint8Array, got \[object Array\]/.test(e.message));
    assert.throws(() => decodeMessage(schema, 'Nope', new Uint8Array()), (e) => e instanceof wg.ArgumentError && /'Nope' is not a message of the schema; it has All, Inner/.test(e.message));
  });

  it('refuses a schema with an unknown type, a bad or repeated field number', () => {
    const refuses = (s, pattern) => assert.throws(() => decodeMessage(s, 'M', new Uint8Array()), (e) => e instanceof wg.ArgumentError && pattern.test(e.message));
    refuses({ M: { a: { id: 1, type: 'int16' } } }, /field M\.a: type 'int16' is neither a scalar type nor a message of the schema/);
    refuses({ M: { a: { id: 1, type: 'toString' } } }, /type 'toString' is neither/);
    refuses({ M: { a: { id: 0, type: 'int32' } } }, /field M\.a: field number 0 is not one protobuf allows/);
    refuses({ M: { a: { id: 19500, type: 'int32' } } }, /field number 19500 is not one protobuf allows/);
    refuses({ M: { a: { id: 3, type: 'int32' }, b: { id: 3, type: 'string' } } }, /field M\.b: field number 3 is also M\.a's/);
  });
});

describe('protobuf wire format: writing', () => {
  it('writes fields in number order, numbers packed, negative int32s as 10 bytes, and every set field even at its default', () => {
    const got = encodeMessage(schema, 'All', {
      rm: [{ x: 1 }, {}],
      s: '',
      i32: -1,
      m: { child: { x: 0 } },
      ri64: [-1n, 2 ** 53 - 1],
      rf: new Float32Array([1.5]),
      rd: [0.1],
      rb: [true, false],
      rs: ['x', ''],
      i64: 0,
      b: false,
      by: new Uint8Array(),
      f: -0,
      ri32: [],
      u64: undefined,
    });
    const expected = bytes(
      tag(1, VARINT), varint(-1),
      tag(2, VARINT), varint(0),
      tag(5, VARINT), varint(0),
      tag(6, FIXED32), float32(-0),
      delimited(8, []),
      delimited(9, []),
      delimited(10, delimited(3, [...tag(1, VARINT), ...varint(0)])),
      delimited(12, [...varint(-1), ...varint(2 ** 53 - 1)]),
      delimited(14, float32(1.5)),
      delimited(15, float64(0.1)),
      delimited(16, [1, 0]),
      delimited(17, utf8('x')),
      delimited(17, []),
      delimited(18, [...tag(1, VARINT), ...varint(1)]),
      delimited(18, []),
    );
    assert.deepEqual(got, expected);
  });

  it('writes lengths of 128 and more as multi-byte varints, however deep', () => {
    const long = 'é'.repeat(100); // 200 bytes of UTF-8
    const big = new Float32Array(40000).map((_, i) => i); // 160,000 bytes: a three-byte length
    const got = encodeMessage(schema, 'All', { rm: [{ child: { child: { ys: [300] } } }], m: { child: { x: 1 } }, s: long, rf: big });
    const expected = bytes(
      delimited(8, utf8(long)),
      delimited(10, delimited(3, [...tag(1, VARINT), ...varint(1)])),
      delimited(14, [...new Uint8Array(big.buffer)]),
      delimited(18, delimited(3, delimited(3, delimited(2, varint(300))))),
    );
    assert.deepEqual(got, expected);
    assert.deepEqual(decodeMessage(schema, 'All', got).rf, big);
  });

  it('round-trips random messages of every field type', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
    const big64 = () => BigInt.asIntN(64, (BigInt(int(0, 2 ** 32 - 1)) << 32n) | BigInt(int(0, 2 ** 32 - 1)));
    const list = (make) => Array.from({ length: int(0, 4) }, make);
    const inner = (depth) => ({ x: int(-(2 ** 31), 2 ** 31 - 1), ys: list(() => int(-1000, 1000)), ...(depth > 0 && rand() < 0.5 ? { child: inner(depth - 1) } : {}) });
    for (let trial = 0; trial < 200; trial++) {
      const value = {
        i32: int(-(2 ** 31), 2 ** 31 - 1), i64: big64(), u64: BigInt.asUintN(64, big64()), e: int(0, 5), b: rand() < 0.5,
        f: Math.fround(rand() * 100 - 50), d: rand() * 1e6 - 5e5, s: list(() => String.fromCodePoint(rand() < 0.8 ? int(32, 0xd7ff) : int(0x10000, 0x1f600))).join(''),
        by: Uint8Array.from(list(() => int(0, 255))), m: inner(3),
        ri32: Int32Array.from(list(() => int(-(2 ** 31), 2 ** 31 - 1))), ri64: BigInt64Array.from(list(big64)),
        ru64: BigUint64Array.from(list(() => BigInt.asUintN(64, big64()))), rf: Float32Array.from(list(() => rand())),
        rd: Float64Array.from(list(() => rand())), rb: Uint8Array.from(list(() => int(0, 1))), rs: list(() => 'ab'.repeat(int(0, 80))),
        rm: list(() => inner(2)),
      };
      const got = decodeMessage(schema, 'All', encodeMessage(schema, 'All', value));
      const fill = (m) => ({ ys: new Int32Array(m.ys), x: m.x, ...(m.child ? { child: fill(m.child) } : {}) });
      assert.deepEqual(got, { ...value, m: fill(value.m), rm: value.rm.map(fill) }, `trial ${trial}`);
    }
  });

  it('refuses a key the message does not declare, and a value its type cannot hold exactly, naming the field', () => {
    const refuses = (value, pattern) => assert.throws(() => encodeMessage(schema, 'All', value), (e) => e instanceof wg.ArgumentError && pattern.test(e.message));
    refuses({ i33: 1 }, /^All: 'i33' is not a field of All; its fields are i32, i64, /);
    refuses({ m: { child: { z: 1 } } }, /^All\.m\.child: 'z' is not a field of Inner/);
    refuses({ i32: 2 ** 31 }, /^All\.i32: 2147483648 is outside int32's range -2147483648\.\.2147483647/);
    refuses({ i32: 1.5 }, /^All\.i32: 1\.5 is not an integer/);
    refuses({ i64: 2 ** 60 }, /^All\.i64: 1152921504606847000 is not an integer \(a safe-integer number or a BigInt\)/);
    refuses({ i64: 2n ** 63n }, /^All\.i64: 9223372036854775808 is outside int64's range/);
    refuses({ u64: -1 }, /^All\.u64: -1 is outside uint64's range 0\.\.18446744073709551615/);
    refuses({ ri64: [1, '2'] }, /^All\.ri64\[1\]: 2 is not an integer/);
    refuses({ rf: [1, 'x'] }, /^All\.rf\[1\]: x is not a number for float/);
    refuses({ rd: new BigInt64Array([1n]) }, /^All\.rd\[0\]: 1 is not a number for double/);
    refuses({ f: '1' }, /^All\.f: 1 is not a number for float/);
    refuses({ b: 'yes' }, /^All\.b: yes is not a bool/);
    refuses({ s: 5 }, /^All\.s: 5 is not a string/);
    refuses({ by: [1, 2] }, /^All\.by: expected a Uint8Array, got \[object Array\]/);
    refuses({ ri32: 5 }, /^All\.ri32: a repeated field takes an array, got \[object Number\]/);
    refuses({ m: [] }, /^All\.m: expected an object for Inner, got \[object Array\]/);
    refuses({ rm: [{}, null] }, /^All\.rm\[1\]: expected an object for Inner, got \[object Null\]/);
  });
});
