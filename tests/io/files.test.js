import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as wg from '../../dist/bindings/index.js';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const denoBinary = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));

describe('writeFileAtomic and weight files', () => {
  let dir;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasmgrad-io-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a file, then replaces it whole, leaving no temporary file', async () => {
    const path = join(dir, 'a.bin');
    await wg.writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    await wg.writeFileAtomic(path, new Uint8Array([9]));
    assert.deepEqual([...readFileSync(path)], [9]);
    assert.deepEqual(readdirSync(dir), ['a.bin']);
  });

  it('fails with ArgumentError and cleans up when the directory does not exist', async () => {
    await assert.rejects(wg.writeFileAtomic(join(dir, 'missing', 'a.bin'), new Uint8Array(1)), (e) => e instanceof wg.ArgumentError && /cannot write/.test(e.message));
    await assert.rejects(wg.writeFileAtomic('', new Uint8Array(1)), wg.ArgumentError);
    await assert.rejects(wg.writeFileAtomic(join(dir, 'x'), [1, 2]), wg.ArgumentError);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('saveWeights / loadWeights round-trip tensors and metadata', async () => {
    const path = join(dir, 'model.safetensors');
    const w = wg.tensor([[1, 2], [3, 4]]);
    const steps = wg.tensor(new Int32Array([5]), [], 'int32');
    await wg.saveWeights(path, { w, steps }, { epoch: '2' });
    const { tensors, metadata } = await wg.loadWeights(path);
    assert.deepEqual([...tensors.w.toArray()], [1, 2, 3, 4]);
    assert.equal(tensors.steps.item(), 5);
    assert.equal(metadata.epoch, '2');
    for (const t of [w, steps, ...Object.values(tensors)]) t.dispose();
  });

  it('loadWeights names a missing file and refuses a corrupt one', async () => {
    await assert.rejects(wg.loadWeights(join(dir, 'nope.safetensors')), (e) => e instanceof wg.ArgumentError && /no file at/.test(e.message));
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, new Uint8Array(4));
    await assert.rejects(wg.loadWeights(path), wg.FormatError);
  });

  it('works the same in Deno', async function () {
    this.timeout(60000);
    const path = join(dir, 'deno.safetensors');
    const { stdout } = await promisify(execFile)(denoBinary, ['run', '-A', fixture('deno-roundtrip.js'), path]);
    assert.deepEqual(JSON.parse(stdout).values, [1, 2, 3, 4]);
    const { tensors, metadata } = await wg.loadWeights(path);
    assert.equal(metadata.runtime, 'deno');
    assert.deepEqual([...tensors.w.toArray()], [1, 2, 3, 4]);
    tensors.w.dispose();
  });

  it('survives SIGKILL at random points: the file is always the old or the new complete file', async function () {
    const kills = Number(process.env.WASMGRAD_KILLS ?? 10);
    this.timeout(20000 + kills * 10000);
    const path = join(dir, 'weights.safetensors');
    const seed = wg.full([2_000_000], 0);
    const tail = wg.full([1000], -0);
    await wg.saveWeights(path, { w: seed, tail }, { generation: '0' });
    seed.dispose();
    tail.dispose();

    let generation = 0;
    for (let k = 0; k < kills; k++) {
      const child = spawn(process.execPath, [fixture('save-forever.js'), path, String(generation)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let lastSaved = generation;
      let killTimer;
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text) => {
        for (const m of text.matchAll(/saved (\d+)/g)) lastSaved = Number(m[1]);
        // After one complete save, kill at a random moment within the next few saves.
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), Math.random() * 400);
      });
      const { signal } = await exited;
      clearTimeout(killTimer);
      assert.equal(signal, 'SIGKILL', `child ${k} ended by itself instead of being killed`);

      const { tensors, metadata } = await wg.loadWeights(path);
      const found = Number(metadata.generation);
      assert.ok(found === lastSaved || found === lastSaved + 1, `kill ${k}: file holds generation ${found}, last reported ${lastSaved}`);
      assert.ok(found > generation, `kill ${k}: no save completed (generation stayed ${generation})`);
      assert.ok(tensors.w.toArray().every((v) => v === found), `kill ${k}: w is not all ${found}`);
      assert.ok(tensors.tail.toArray().every((v) => v === -found), `kill ${k}: tail is not all ${-found}`);
      tensors.w.dispose();
      tensors.tail.dispose();
      generation = found;
    }
    console.log(`      survived ${kills} kill points (last generation ${generation})`);
  });
});
