import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';
import { SeededRandom } from '../../dist/bindings/data/seeded-random.js';

// Sample n, value at flat position p is n * 1000 + p: every value says where it came from.
function dataset(n, c, h, w) {
  const size = c * h * w;
  return {
    images: Float32Array.from({ length: n * size }, (_, i) => Math.floor(i / size) * 1000 + (i % size)),
    labels: Int32Array.from({ length: n }, (_, i) => i * 3 + 1),
    shape: [n, c, h, w],
  };
}

// Runs one epoch, copying each batch out and disposing its tensors.
function collect(batches) {
  const out = [];
  for (const { x, y } of batches) {
    out.push({ xShape: [...x.shape], xType: x.dtype, yShape: [...y.shape], yType: y.dtype, x: x.toArray(), y: [...y.toArray()] });
    x.dispose();
    y.dispose();
  }
  return out;
}

const sampleOf = (label) => (label - 1) / 3;

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and stream, another for another', () => {
    const draw = (seed, stream) => Array.from({ length: 8 }, ((r) => () => r.nextUint32())(new SeededRandom(seed, stream)));
    assert.deepEqual(draw(5, 0), draw(5, 0));
    assert.notDeepEqual(draw(5, 0), draw(5, 1));
    assert.notDeepEqual(draw(5, 0), draw(6, 0));
    assert.notDeepEqual(draw(2 ** 40, 0), draw(0, 0));
  });

  it('below(n) is uniform over [0, n)', () => {
    const r = new SeededRandom(9);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[r.below(7)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `counts ${counts}`);
  });

  it('normal() has mean 0 and variance 1', () => {
    const r = new SeededRandom(3);
    let sum = 0;
    let squares = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      sum += z;
      squares += z * z;
    }
    assert.ok(Math.abs(sum / n) < 0.015, `mean ${sum / n}`);
    assert.ok(Math.abs(squares / n - 1) < 0.02, `variance ${squares / n}`);
  });
});

describe('DataLoader', () => {
  it('yields every sample exactly once per epoch, in batches of the right shapes', () => {
    const data = dataset(10, 2, 3, 4);
    const loader = new wg.DataLoader(data, { batchSize: 3, seed: 1 });
    assert.equal(loader.batchesPerEpoch, 4);
    const batches = collect(loader.epoch(0));
    assert.deepEqual(batches.map((b) => b.xShape), [[3, 2, 3, 4], [3, 2, 3, 4], [3, 2, 3, 4], [1, 2, 3, 4]]);
    assert.deepEqual(batches.map((b) => b.yShape), [[3], [3], [3], [1]]);
    assert.ok(batches.every((b) => b.xType === 'float32' && b.yType === 'int32'));
    const labels = batches.flatMap((b) => b.y);
    assert.deepEqual([...labels].sort((a, b) => a - b), [...data.labels]);
    for (const b of batches) {
      b.y.forEach((label, i) => {
        const n = sampleOf(label);
        assert.deepEqual(b.x.subarray(i * 24, (i + 1) * 24), data.images.subarray(n * 24, (n + 1) * 24));
      });
    }
    assert.deepEqual(labels.map(sampleOf), [...loader.order(0)]);
  });

  it('dropLast leaves out the short batch', () => {
    const loader = new wg.DataLoader(dataset(10, 1, 2, 2), { batchSize: 3, dropLast: true, seed: 2 });
    assert.equal(loader.batchesPerEpoch, 3);
    const labels = collect(loader.epoch(0)).flatMap((b) => b.y);
    assert.equal(labels.length, 9);
    assert.equal(new Set(labels).size, 9);
  });

  it('the same seed gives the same order; epochs and seeds differ; shuffle: false keeps the order', () => {
    const data = dataset(50, 1, 2, 2);
    const orderOf = (opts, epoch) => collect(new wg.DataLoader(data, { batchSize: 8, ...opts }).epoch(epoch)).flatMap((b) => b.y);
    assert.deepEqual(orderOf({ seed: 7 }, 0), orderOf({ seed: 7 }, 0));
    assert.notDeepEqual(orderOf({ seed: 7 }, 0), orderOf({ seed: 7 }, 1));
    assert.notDeepEqual(orderOf({ seed: 7 }, 0), orderOf({ seed: 8 }, 0));
    assert.deepEqual(orderOf({ shuffle: false }, 3), [...data.labels]);
  });

  it('iterating the loader runs epoch 0, then epoch 1', () => {
    const loader = new wg.DataLoader(dataset(20, 1, 1, 1), { batchSize: 6, seed: 4 });
    const first = collect(loader).flatMap((b) => b.y).map(sampleOf);
    const second = collect(loader).flatMap((b) => b.y).map(sampleOf);
    assert.deepEqual(first, [...loader.order(0)]);
    assert.deepEqual(second, [...loader.order(1)]);
  });

  it('augmentations do not change the order', () => {
    const data = dataset(30, 1, 4, 4);
    const plain = collect(new wg.DataLoader(data, { batchSize: 7, seed: 5 }).epoch(2)).flatMap((b) => b.y);
    const augmented = collect(
      new wg.DataLoader(data, { batchSize: 7, seed: 5, augment: { crop: { padding: 1 }, flip: true, noise: { std: 0.1 } } }).epoch(2),
    ).flatMap((b) => b.y);
    assert.deepEqual(augmented, plain);
  });

  it('flip with p = 1 mirrors every sample left to right, channel by channel', () => {
    const [c, h, w] = [2, 3, 5];
    const data = dataset(6, c, h, w);
    for (const b of collect(new wg.DataLoader(data, { batchSize: 4, augment: { flip: { p: 1 } } }).epoch(0))) {
      b.y.forEach((label, i) => {
        const n = sampleOf(label);
        for (let ch = 0; ch < c; ch++) {
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              const got = b.x[i * c * h * w + (ch * h + y) * w + x];
              assert.equal(got, n * 1000 + (ch * h + y) * w + (w - 1 - x));
            }
          }
        }
      });
    }
  });

  it('flip with p = 0.5 mirrors about half of the samples', () => {
    const data = dataset(400, 1, 1, 2);
    const batches = collect(new wg.DataLoader(data, { batchSize: 64, augment: { flip: true } }).epoch(0));
    let flipped = 0;
    for (const b of batches) b.y.forEach((label, i) => (flipped += b.x[2 * i] === sampleOf(label) * 1000 + 1 ? 1 : 0));
    assert.ok(flipped > 160 && flipped < 240, `${flipped} of 400 flipped`);
  });

  it('crop pads with zeros and shifts by at most the padding, with several shifts seen', () => {
    const [h, w, p] = [5, 6, 2];
    const data = dataset(60, 1, h, w);
    const shifts = new Set();
    for (const b of collect(new wg.DataLoader(data, { batchSize: 16, seed: 3, augment: { crop: { padding: p } } }).epoch(0))) {
      b.y.forEach((label, i) => {
        const n = sampleOf(label);
        const out = b.x.subarray(i * h * w, (i + 1) * h * w);
        const match = [];
        for (let dy = -p; dy <= p; dy++) {
          for (let dx = -p; dx <= p; dx++) {
            const ok = [...out].every((v, at) => {
              const sy = Math.floor(at / w) + dy;
              const sx = (at % w) + dx;
              const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
              return v === (inside ? n * 1000 + sy * w + sx : 0);
            });
            if (ok) match.push(`${dy},${dx}`);
          }
        }
        assert.equal(match.length, 1, `sample ${n} is not a zero-padded shift of its source`);
        shifts.add(match[0]);
      });
    }
    assert.ok(shifts.size >= 15, `only ${shifts.size} of 25 shifts seen`);
  });

  it('noise adds seeded normal noise of the given std', () => {
    const data = dataset(40, 1, 8, 8);
    const run = (seed) => collect(new wg.DataLoader(data, { batchSize: 40, seed, augment: { noise: { std: 0.5 } } }).epoch(0))[0];
    const b = run(11);
    let sum = 0;
    let squares = 0;
    b.y.forEach((label, i) => {
      const n = sampleOf(label);
      for (let p = 0; p < 64; p++) {
        const d = b.x[i * 64 + p] - (n * 1000 + p);
        sum += d;
        squares += d * d;
      }
    });
    const count = 40 * 64;
    assert.ok(Math.abs(sum / count) < 0.05, `mean ${sum / count}`);
    assert.ok(Math.abs(Math.sqrt(squares / count) - 0.5) < 0.04, `std ${Math.sqrt(squares / count)}`);
    assert.deepEqual(run(11).x, b.x);
    assert.notDeepEqual(run(12).x, b.x);
  });

  it('refuses bad data and options', () => {
    const data = dataset(4, 1, 2, 2);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 0 }), wg.ArgumentError);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 2, seed: -1 }), wg.ArgumentError);
    assert.throws(() => new wg.DataLoader({ ...data, labels: new Int32Array(3) }, { batchSize: 2 }), /3 labels for 4 images/);
    assert.throws(() => new wg.DataLoader({ ...data, shape: [4, 2, 2] }, { batchSize: 2 }), wg.ShapeError);
    assert.throws(() => new wg.DataLoader({ ...data, shape: [4, 1, 2, 3] }, { batchSize: 2 }), /16 image values do not fill shape \[4, 1, 2, 3\]/);
    assert.throws(() => new wg.DataLoader({ ...data, images: [1, 2] }, { batchSize: 2 }), wg.ArgumentError);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 2, augment: { flip: { p: 2 } } }), /flip.p must be in \[0, 1\]/);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 2, augment: { noise: { std: -1 } } }), /noise.std/);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 2, augment: { crop: { padding: 1.5 } } }), /crop.padding/);
    assert.throws(() => new wg.DataLoader(data, { batchSize: 2 }).order(-1), /epoch/);
  });

  it('gives the same batches, bit for bit, in Deno', async function () {
    this.timeout(60000);
    const opts = { batchSize: 7, seed: 123456789, augment: { crop: { padding: 2 }, flip: true, noise: { std: 0.3 } } };
    const script = `import * as wg from ${JSON.stringify(new URL('../../dist/bindings/index.js', import.meta.url).href)};
      await wg.ready({ threads: 1 });
      const n = 30, size = 3 * 8 * 8;
      const data = { images: Float32Array.from({ length: n * size }, (_, i) => (i * 37) % 101 / 100), labels: Int32Array.from({ length: n }, (_, i) => i), shape: [n, 3, 8, 8] };
      const out = [];
      for (const { x, y } of new wg.DataLoader(data, ${JSON.stringify(opts)}).epoch(3)) { out.push([...new Uint8Array(x.toArray().buffer)], [...y.toArray()]); x.dispose(); y.dispose(); }
      console.log(JSON.stringify(out));
      wg.shutdown();`;
    const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));
    const { stdout } = await promisify(execFile)(deno, ['eval', '--ext=js', script], { maxBuffer: 1 << 26 });
    const n = 30;
    const size = 3 * 8 * 8;
    const data = { images: Float32Array.from({ length: n * size }, (_, i) => ((i * 37) % 101) / 100), labels: Int32Array.from({ length: n }, (_, i) => i), shape: [n, 3, 8, 8] };
    const out = [];
    for (const b of collect(new wg.DataLoader(data, opts).epoch(3))) out.push([...new Uint8Array(b.x.buffer)], b.y);
    assert.deepEqual(JSON.parse(stdout), out);
  });
});
