import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import * as wg from '../../dist/bindings/index.js';
import { gunzip, gunzipWithStreams } from '../../dist/bindings/data/gunzip.js';
import { idxBytes, syntheticSplit } from './idx-files.js';

const refusedWith = (reason) => (e) => e instanceof wg.FormatError && reason.test(e.message);

describe('IDX reader', () => {
  it('reads every element type, big-endian, with its shape', () => {
    const cases = [
      ['uint8', [2, 3], [0, 1, 127, 128, 254, 255]],
      ['int8', [4], [-128, -1, 0, 127]],
      ['int16', [3], [-32768, 258, 32767]],
      ['int32', [1, 2, 1], [-(2 ** 31), 16909060]],
      ['float32', [2], [1.5, -Math.fround(0.1)]],
      ['float64', [2], [0.1, -1e300]],
    ];
    for (const [dtype, shape, values] of cases) {
      const got = wg.parseIdx(idxBytes(dtype, shape, values));
      assert.equal(got.dtype, dtype);
      assert.deepEqual(got.shape, shape);
      assert.deepEqual([...got.data], values, dtype);
    }
  });

  it('reads gzipped files the same as plain ones', async () => {
    const plain = idxBytes('uint8', [3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 20));
    const fromGzip = await wg.readIdx(new Uint8Array(gzipSync(plain)));
    assert.deepEqual(fromGzip, wg.parseIdx(plain));
  });

  it('decompresses the same with zlib and with DecompressionStream, and refuses corrupt gzip', async () => {
    const data = new Uint8Array(100_000).map((_, i) => (i * 7) % 251);
    const zipped = new Uint8Array(gzipSync(data));
    assert.deepEqual(await gunzip(zipped), data);
    assert.deepEqual(await gunzipWithStreams(zipped, 'x'), data);
    const cut = zipped.subarray(0, zipped.length - 10);
    await assert.rejects(gunzip(cut, 'cut.gz'), refusedWith(/cut\.gz is not valid gzip/));
    await assert.rejects(gunzipWithStreams(cut, 'cut.gz'), refusedWith(/cut\.gz is not valid gzip/));
  });

  describe('refuses malformed files', () => {
    const good = () => idxBytes('int16', [2, 3], [1, 2, 3, 4, 5, 6]);
    it('shorter than the magic number', () => assert.throws(() => wg.parseIdx(new Uint8Array(3), 'f'), refusedWith(/f: truncated: 3 bytes/)));
    it('a bad magic number', () => {
      const bytes = good();
      bytes[1] = 1;
      assert.throws(() => wg.parseIdx(bytes), refusedWith(/bad magic number 0x00010b02/));
    });
    it('gzip data given to parseIdx', () => {
      assert.throws(() => wg.parseIdx(new Uint8Array(gzipSync(good()))), refusedWith(/this is gzip data; decompress it first/));
    });
    it('an unknown element type', () => {
      const bytes = good();
      bytes[2] = 0x0a;
      assert.throws(() => wg.parseIdx(bytes), refusedWith(/unknown element type 0x0a/));
    });
    it('zero dimensions', () => assert.throws(() => wg.parseIdx(new Uint8Array([0, 0, 8, 0])), refusedWith(/0 dimensions/)));
    it('a truncated header', () => assert.throws(() => wg.parseIdx(good().subarray(0, 9)), refusedWith(/truncated header: 2 dimensions need 12 bytes/)));
    it('truncated data', () => assert.throws(() => wg.parseIdx(good().subarray(0, 23)), refusedWith(/truncated data: shape \[2, 3\] of int16 needs 12 bytes, the file has 11/)));
    it('huge dimensions', () => {
      const bytes = good();
      new DataView(bytes.buffer).setUint32(4, 0xffffffff);
      assert.throws(() => wg.parseIdx(bytes), refusedWith(/truncated data: shape \[4294967295, 3\]/));
    });
    it('trailing bytes', () => {
      const bytes = new Uint8Array(good().length + 2);
      bytes.set(good());
      assert.throws(() => wg.parseIdx(bytes), refusedWith(/2 bytes after the data/));
    });
  });
});

describe('Fashion-MNIST', () => {
  const files = (train, test) => ({
    trainImages: new Uint8Array(gzipSync(train.images)),
    trainLabels: new Uint8Array(gzipSync(train.labels)),
    testImages: test.images,
    testLabels: test.labels,
  });

  it('loads synthetic bytes, scaling pixels to [0, 1]', async () => {
    const train = syntheticSplit(5);
    const test = syntheticSplit(3);
    const data = await wg.loadFashionMnist({ bytes: files(train, test) });
    assert.equal(data.classNames.length, 10);
    assert.equal(data.classNames[9], 'Ankle boot');
    assert.deepEqual(data.train.shape, [5, 1, 28, 28]);
    assert.equal(data.train.count, 5);
    assert.deepEqual(data.test.shape, [3, 1, 28, 28]);
    assert.deepEqual(data.train.images, Float32Array.from(train.pixels, (p) => p / 255));
    assert.deepEqual([...data.train.labels], train.labelValues);
    assert.deepEqual([...data.test.labels], test.labelValues);
  });

  describe('from a directory', () => {
    let dir;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'wasmgrad-fmnist-'));
      const all = files(syntheticSplit(4), syntheticSplit(2));
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), all.trainImages);
      writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), all.trainLabels);
      writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(all.testImages));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(all.testLabels));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the four gzipped files', async () => {
      const data = await wg.loadFashionMnist({ dir });
      assert.equal(data.train.count, 4);
      assert.equal(data.test.count, 2);
      assert.deepEqual([...data.test.labels], [0, 1]);
    });

    it('reads them in Deno too (DecompressionStream)', async function () {
      this.timeout(60000);
      const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));
      const script = `import * as wg from ${JSON.stringify(new URL('../../dist/bindings/index.js', import.meta.url).href)};
        const d = await wg.loadFashionMnist({ dir: Deno.args[0] });
        console.log(JSON.stringify({ n: d.train.count, sum: d.train.images.reduce((a, b) => a + b, 0), labels: [...d.test.labels] }));`;
      const { stdout } = await promisify(execFile)(deno, ['eval', '--ext=js', script, dir]);
      const node = await wg.loadFashionMnist({ dir });
      const fromDeno = JSON.parse(stdout);
      assert.equal(fromDeno.n, 4);
      assert.equal(fromDeno.sum, node.train.images.reduce((a, b) => a + b, 0));
      assert.deepEqual(fromDeno.labels, [0, 1]);
    });
  });

  it('names the apt-get command when the files are missing', async () => {
    await assert.rejects(
      wg.loadFashionMnist({ dir: join(tmpdir(), 'no-such-wasmgrad-dir') }),
      // The four files are read at once, so any of them may be the one named.
      (e) => e instanceof wg.ArgumentError && /no file at .*-ubyte\.gz.*apt-get install dataset-fashion-mnist/.test(e.message),
    );
  });

  it('refuses inconsistent files', async () => {
    const train = syntheticSplit(4);
    const test = syntheticSplit(2);
    const mismatch = { ...files(train, test), trainLabels: idxBytes('uint8', [3], [0, 1, 2]) };
    await assert.rejects(wg.loadFashionMnist({ bytes: mismatch }), refusedWith(/expected uint8 of shape \[4\] to match the images/));
    const badLabel = { ...files(train, test), testLabels: idxBytes('uint8', [2], [3, 10]) };
    await assert.rejects(wg.loadFashionMnist({ bytes: badLabel }), refusedWith(/label 10 at index 1; classes are 0..9/));
    const wrongSize = { ...files(train, test), testImages: idxBytes('uint8', [1, 27, 28], new Array(27 * 28).fill(0)) };
    await assert.rejects(wg.loadFashionMnist({ bytes: wrongSize }), refusedWith(/shape \[1, 27, 28\]; expected uint8 of shape \[N, 28, 28\]/));
    const notBytes = { ...files(train, test), testImages: [1, 2] };
    await assert.rejects(wg.loadFashionMnist({ bytes: notBytes }), wg.ArgumentError);
  });

  it('the installed dataset has 60,000 + 10,000 balanced images, or its absence names the install command', async function () {
    this.timeout(60000);
    if (!existsSync(join(wg.FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) {
      // Not installed on this machine: the default load must say how to install it.
      await assert.rejects(wg.loadFashionMnist(), /apt-get install dataset-fashion-mnist/);
      return;
    }
    const data = await wg.loadFashionMnist();
    for (const [split, count] of [['train', 60000], ['test', 10000]]) {
      const set = data[split];
      assert.equal(set.count, count);
      assert.deepEqual(set.shape, [count, 1, 28, 28]);
      assert.equal(set.images.length, count * 784);
      const perClass = new Array(10).fill(0);
      for (const c of set.labels) perClass[c]++;
      assert.deepEqual(perClass, new Array(10).fill(count / 10), split);
      let min = Infinity;
      let max = -Infinity;
      const { images } = set;
      for (let i = 0; i < images.length; i++) {
        if (images[i] < min) min = images[i];
        if (images[i] > max) max = images[i];
      }
      assert.equal(min, 0);
      assert.equal(max, 1);
    }
  });
});
