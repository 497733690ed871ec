import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { sha256Hex } from '../../dist/bindings/io/sha256.js';
import { CHECKSUM_KEY, MAX_HEADER_BYTES } from '../../dist/bindings/io/safetensors.js';

// A safetensors file assembled byte by byte from the format description, independent of our writer.
function buildFile(header, data, { pad = true } = {}) {
  let json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad && json.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const file = new Uint8Array(8 + json.length + data.length);
  const view = new DataView(file.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

function littleEndian(kind, values) {
  const widths = { f32: 4, i32: 4, f64: 8, f16: 2, u16: 2, i64: 8, u8: 1 };
  const bytes = new Uint8Array(values.length * widths[kind]);
  const v = new DataView(bytes.buffer);
  values.forEach((x, i) => {
    if (kind === 'f32') v.setFloat32(i * 4, x, true);
    if (kind === 'i32') v.setInt32(i * 4, x, true);
    if (kind === 'f64') v.setFloat64(i * 8, x, true);
    if (kind === 'f16' || kind === 'u16') v.setUint16(i * 2, x, true);
    if (kind === 'i64') v.setBigInt64(i * 8, BigInt(x), true);
    if (kind === 'u8') v.setUint8(i, x);
  });
  return bytes;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function disposeAll(contents) {
  for (const t of Object.values(contents.tensors)) t.dispose();
}

function assertRefused(bytes, reason) {
  assert.throws(
    () => wg.loadSafetensors(bytes),
    (e) => e instanceof wg.FormatError && reason.test(e.message),
  );
}

describe('SHA-256', () => {
  const vectors = [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    [
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
  ];
  for (const [text, digest] of vectors) {
    it(`matches the FIPS 180 vector for ${text.length} bytes`, () => {
      assert.equal(sha256Hex(new TextEncoder().encode(text)), digest);
    });
  }

  it('matches the vector for one million "a"', () => {
    assert.equal(
      sha256Hex(new Uint8Array(1_000_000).fill(0x61)),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto at every length around the block and padding boundaries', () => {
    const data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (let n = 0; n <= 300; n++) {
      const part = data.subarray(0, n);
      assert.equal(sha256Hex(part), createHash('sha256').update(part).digest('hex'), `length ${n}`);
    }
  });
});

describe('safetensors round trip', () => {
  it('keeps float32 and int32 tensors of many shapes, scalars and empty ones, with their metadata', () => {
    const shapes = [[], [1], [7], [3, 5], [2, 3, 4], [2, 1, 3, 1, 2], [0], [4, 0, 3]];
    const tensors = {};
    const expected = {};
    shapes.forEach((shape, k) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const f = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i + k) * 1e3));
      const q = Int32Array.from({ length: n }, (_, i) => (i * 2654435761 + k) | 0);
      tensors[`f${k}`] = wg.tensor(f, shape, 'float32');
      tensors[`i${k}`] = wg.tensor(q, shape, 'int32');
      expected[`f${k}`] = { shape, values: f };
      expected[`i${k}`] = { shape, values: q };
    });
    const bytes = wg.saveSafetensors(tensors, { note: 'héllo ✓', epoch: '3' });
    const loaded = wg.loadSafetensors(bytes);
    assert.deepEqual(Object.keys(loaded.tensors).sort(), Object.keys(expected).sort());
    for (const [name, { shape, values }] of Object.entries(expected)) {
      const t = loaded.tensors[name];
      assert.deepEqual([...t.shape], shape, name);
      assert.equal(t.dtype, name.startsWith('f') ? 'float32' : 'int32', name);
      assert.deepEqual(t.toArray(), values, name);
    }
    assert.equal(loaded.metadata.note, 'héllo ✓');
    assert.equal(loaded.metadata.epoch, '3');
    assert.match(loaded.metadata[CHECKSUM_KEY], /^[0-9a-f]{64}$/);
    disposeAll(loaded);
    for (const t of Object.values(tensors)) t.dispose();
  });

  it('keeps NaN, infinities and -0 bit for bit', () => {
    const values = new Float32Array([NaN, Infinity, -Infinity, -0, 1e-45, 3.4e38]);
    const t = wg.tensor(values, [6]);
    const loaded = wg.loadSafetensors(wg.saveSafetensors({ t }));
    assert.deepEqual(new Uint8Array(loaded.tensors.t.toArray().buffer), new Uint8Array(values.buffer));
    disposeAll(loaded);
    t.dispose();
  });

  it('writes the layout the format prescribes: u64 LE length, padded JSON, data in order', () => {
    const a = wg.tensor([1, 2, 3], [3]);
    const b = wg.tensor(new Int32Array([-5, 6]), [2, 1], 'int32');
    const bytes = wg.saveSafetensors({ a, b }, { k: 'v' });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const n = Number(view.getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0, 'data section starts 8-byte aligned');
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.match(text, /^\{.*\} *$/);
    const header = JSON.parse(text);
    assert.deepEqual(header.a, { dtype: 'F32', shape: [3], data_offsets: [0, 12] });
    assert.deepEqual(header.b, { dtype: 'I32', shape: [2, 1], data_offsets: [12, 20] });
    assert.equal(header.__metadata__.k, 'v');
    const data = bytes.subarray(8 + n);
    assert.equal(data.length, 20);
    assert.deepEqual(data, concat(littleEndian('f32', [1, 2, 3]), littleEndian('i32', [-5, 6])));
    assert.equal(header.__metadata__[CHECKSUM_KEY], createHash('sha256').update(data).digest('hex'));
    a.dispose();
    b.dispose();
  });

  it('saves a strided view as its row-major values', () => {
    const t = wg.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const transposed = new wg.Tensor(t.storage, [3, 2], 'float32', [1, 3]);
    const loaded = wg.loadSafetensors(wg.saveSafetensors({ transposed }));
    assert.deepEqual([...loaded.tensors.transposed.toArray()], [1, 4, 2, 5, 3, 6]);
    disposeAll(loaded);
    t.dispose();
  });

  it('refuses bad arguments to save with ArgumentError', () => {
    const t = wg.tensor([1]);
    assert.throws(() => wg.saveSafetensors({ x: [1, 2] }), wg.ArgumentError);
    assert.throws(() => wg.saveSafetensors({ __metadata__: t }), wg.ArgumentError);
    assert.throws(() => wg.saveSafetensors({ t }, { n: 3 }), /metadata "n" must be a string/);
    assert.throws(() => wg.saveSafetensors({ t }, { [CHECKSUM_KEY]: 'x' }), /reserved/);
    t.dispose();
    assert.throws(() => wg.saveSafetensors({ t }), wg.DisposedError);
  });
});

describe('safetensors files built by hand', () => {
  it('loads F32, I32 and a scalar with unpadded header and metadata', () => {
    const data = concat(littleEndian('f32', [0.5, -1.5, 2, 8]), littleEndian('i32', [42]), littleEndian('i32', [7, 8, 9]));
    const file = buildFile(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
        s: { dtype: 'I32', shape: [], data_offsets: [16, 20] },
        v: { dtype: 'I32', shape: [3], data_offsets: [20, 32] },
      },
      data,
      { pad: false },
    );
    const loaded = wg.loadSafetensors(file);
    assert.deepEqual([...loaded.tensors.w.shape], [2, 2]);
    assert.deepEqual([...loaded.tensors.w.toArray()], [0.5, -1.5, 2, 8]);
    assert.deepEqual([...loaded.tensors.s.shape], []);
    assert.equal(loaded.tensors.s.item(), 42);
    assert.equal(loaded.tensors.v.dtype, 'int32');
    assert.deepEqual([...loaded.tensors.v.toArray()], [7, 8, 9]);
    assert.deepEqual(loaded.metadata, { format: 'pt' });
    disposeAll(loaded);
  });

  it('accepts header entries listed in another order than their data', () => {
    const data = concat(littleEndian('f32', [1]), littleEndian('f32', [2, 3]));
    const file = buildFile(
      { late: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, early: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      data,
    );
    const loaded = wg.loadSafetensors(file);
    assert.deepEqual([...loaded.tensors.late.toArray()], [2, 3]);
    assert.deepEqual([...loaded.tensors.early.toArray()], [1]);
    disposeAll(loaded);
  });

  it('converts F64, F16 and BF16 to float32 and I64, U8, BOOL to int32', () => {
    // F16 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24, 0x7c00 = inf; BF16 0x3f80 = 1, 0xc0a0 = -5.
    const data = concat(
      littleEndian('f64', [0.1, -3]),
      littleEndian('f16', [0x3c00, 0xc000, 0x0001, 0x7c00]),
      littleEndian('u16', [0x3f80, 0xc0a0]),
      littleEndian('i64', [-7, 2 ** 31 - 1]),
      littleEndian('u8', [0, 255]),
      littleEndian('u8', [0, 3]),
    );
    const file = buildFile(
      {
        d: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
        h: { dtype: 'F16', shape: [4], data_offsets: [16, 24] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [24, 28] },
        l: { dtype: 'I64', shape: [2], data_offsets: [28, 44] },
        u: { dtype: 'U8', shape: [2], data_offsets: [44, 46] },
        z: { dtype: 'BOOL', shape: [2], data_offsets: [46, 48] },
      },
      data,
    );
    const { tensors } = wg.loadSafetensors(file);
    assert.deepEqual([...tensors.d.toArray()], [Math.fround(0.1), -3]);
    assert.deepEqual([...tensors.h.toArray()], [1, -2, 2 ** -24, Infinity]);
    assert.deepEqual([...tensors.b.toArray()], [1, -5]);
    assert.equal(tensors.l.dtype, 'int32');
    assert.deepEqual([...tensors.l.toArray()], [-7, 2 ** 31 - 1]);
    assert.deepEqual([...tensors.u.toArray()], [0, 255]);
    assert.deepEqual([...tensors.z.toArray()], [0, 1]);
    disposeAll({ tensors });
  });

  it('refuses an I64 value outside the int32 range with DTypeError', () => {
    const file = buildFile({ l: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, littleEndian('i64', [2 ** 31]));
    assert.throws(() => wg.loadSafetensors(file), (e) => e instanceof wg.DTypeError && /outside the int32 range/.test(e.message));
  });
});

describe('safetensors refusals', () => {
  const good = () => {
    const t = wg.tensor([1, 2, 3, 4], [2, 2]);
    const bytes = wg.saveSafetensors({ t, u: t });
    t.dispose();
    return bytes;
  };
  const entry = (shape, offsets, dtype = 'F32') => ({ dtype, shape, data_offsets: offsets });

  it('a file shorter than the length field', () => assertRefused(new Uint8Array(5), /truncated file: 5 bytes/));

  it('a file cut anywhere after the header', () => {
    const bytes = good();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    for (const cut of [8 + n, 8 + n + 1, bytes.length - 1]) {
      assertRefused(bytes.subarray(0, cut), /out of bounds.*truncated file\?/);
    }
    assertRefused(bytes.subarray(0, 8 + n - 1), /runs past the end.*truncated file\?/);
  });

  it('a header length beyond the file', () => {
    const bytes = good();
    new DataView(bytes.buffer).setUint32(0, bytes.length, true);
    assertRefused(bytes, /header length \d+ runs past the end/);
  });

  it('a header length over the limit', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(MAX_HEADER_BYTES) + 1n, true);
    assertRefused(bytes, /over the 100000000-byte limit/);
    new DataView(bytes.buffer).setBigUint64(0, 2n ** 63n, true);
    assertRefused(bytes, /over the 100000000-byte limit/);
  });

  it('invalid JSON, invalid UTF-8, and a header that is not an object', () => {
    assertRefused(buildFile('{"a": {"dtype": "F32",', new Uint8Array()), /not valid JSON/);
    assertRefused(buildFile('[1, 2]', new Uint8Array()), /must be a JSON object, got an array/);
    const badUtf8 = buildFile('{"a"}', new Uint8Array());
    badUtf8[10] = 0xff;
    assertRefused(badUtf8, /not valid UTF-8/);
  });

  it('an unknown dtype', () => {
    assertRefused(buildFile({ a: entry([1], [0, 4], 'F31') }, new Uint8Array(4)), /unknown or unsupported dtype "F31" for tensor "a"/);
    assertRefused(buildFile({ a: entry([1], [0, 1], 'F8_E4M3') }, new Uint8Array(1)), /unsupported dtype "F8_E4M3"/);
  });

  it('a malformed entry, shape or offsets', () => {
    assertRefused(buildFile({ a: 'x' }, new Uint8Array()), /tensor "a" must be an object/);
    assertRefused(buildFile({ a: entry([-1], [0, 4]) }, new Uint8Array(4)), /shape \[-1\]/);
    assertRefused(buildFile({ a: entry([1.5], [0, 4]) }, new Uint8Array(4)), /shape \[1.5\]/);
    assertRefused(buildFile({ a: entry([1], [0]) }, new Uint8Array(4)), /data_offsets \[0\]/);
    assertRefused(buildFile({ a: entry([1], ['0', 4]) }, new Uint8Array(4)), /data_offsets/);
  });

  it('a shape whose size does not match its offsets', () => {
    assertRefused(buildFile({ a: entry([2, 2], [0, 12]) }, new Uint8Array(12)), /needs 16 bytes, but data_offsets \[0, 12\] span 12/);
  });

  it('offsets with begin after end', () => {
    assertRefused(buildFile({ a: entry([0], [8, 4]) }, new Uint8Array(8)), /out of order \(begin after end\)/);
  });

  it('overlapping offsets', () => {
    assertRefused(
      buildFile({ a: entry([2], [0, 8]), b: entry([2], [4, 12]) }, new Uint8Array(12)),
      /tensor "b" data_offsets \[4, 12\] overlap the previous tensor, which ends at 8/,
    );
  });

  it('out-of-bounds offsets', () => {
    assertRefused(buildFile({ a: entry([2], [0, 8]) }, new Uint8Array(4)), /out of bounds: the data section has 4 bytes/);
  });

  it('a gap between tensors, before the first, or after the last', () => {
    assertRefused(buildFile({ a: entry([1], [0, 4]), b: entry([1], [8, 12]) }, new Uint8Array(12)), /gap of 4 bytes.*before tensor "b"/);
    assertRefused(buildFile({ a: entry([1], [4, 8]) }, new Uint8Array(8)), /gap of 4 bytes.*before tensor "a" \(at 0\)/);
    assertRefused(buildFile({ a: entry([1], [0, 4]) }, new Uint8Array(6)), /2 bytes after the last tensor/);
  });

  it('a bit flipped anywhere in the data', () => {
    const bytes = good();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    for (let at = 8 + n; at < bytes.length; at += 5) {
      for (const bit of [0, 7]) {
        const flipped = bytes.slice();
        flipped[at] ^= 1 << bit;
        assertRefused(flipped, /checksum mismatch/);
      }
    }
  });

  it('non-string metadata', () => {
    assertRefused(buildFile({ __metadata__: { epoch: 3 } }, new Uint8Array()), /non-string metadata: "epoch" is 3/);
    assertRefused(buildFile({ __metadata__: ['x'] }, new Uint8Array()), /"__metadata__" must be an object of strings/);
  });

  it('leaves no tensor allocated when a late tensor fails to decode', () => {
    const file = buildFile(
      { a: entry([1024], [0, 4096]), l: { dtype: 'I64', shape: [1], data_offsets: [4096, 4104] } },
      concat(new Uint8Array(4096), littleEndian('i64', [-(2 ** 40)])),
    );
    const before = engine().heap.stats().liveBlocks;
    assert.throws(() => wg.loadSafetensors(file), wg.DTypeError);
    assert.equal(engine().heap.stats().liveBlocks, before);
  });
});
