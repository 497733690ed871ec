import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import binaryen from 'binaryen';
import { generate, specTasks } from '../../scripts/gen-kernels.mjs';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { stridedCopyTask } from '../../dist/bindings/runtime/generated/kernel-args.js';
import { taskTable } from '../../dist/bindings/runtime/tasks.js';
import { FLAVOURS } from '../setup.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the kernel spec (kernels/spec.mjs)', () => {
  for (const [path, text] of Object.entries(generate())) {
    it(`${path} is what the spec generates (regenerate with npm run gen:kernels)`, () => {
      assert.equal(readFileSync(root + path, 'utf8'), text, `${path} is stale: run npm run gen:kernels`);
    });
  }

  it('declares every task of the wasm module, and no task the module lacks', () => {
    const exported = engine().tasks.names.map((n) => n.slice(0, -'_task'.length)).sort();
    assert.deepEqual([...specTasks()].sort(), exported);
  });

  for (const flavour of FLAVOURS) {
    it(`ships ${flavour} without the reference kernels the tests' copy (build/test/) has, and names where they are`, () => {
      // Read by binaryen: Node 20 compiles relaxed SIMD only behind a flag.
      const exportsOf = (path) => {
        const module = binaryen.readBinary(readFileSync(root + path));
        const names = Array.from({ length: module.getNumExports() }, (_, i) => binaryen.getExportInfo(module.getExportByIndex(i)).name);
        module.dispose();
        return names.sort();
      };
      const shipped = exportsOf(`build/wasmgrad-${flavour}.wasm`);
      const tested = exportsOf(`build/test/wasmgrad-${flavour}.wasm`);
      const references = tested.filter((n) => n.endsWith('_reference_task'));
      assert.ok(references.length >= 20, `the tests' wasm has ${references.length} reference kernels`);
      assert.deepEqual(shipped, tested.filter((n) => !references.includes(n)));
      const tasks = taskTable(Object.fromEntries(shipped.map((n) => [n, () => {}])));
      assert.throws(() => tasks.indexOf('gemm_reference'), /reference kernel gemm_reference is in the tests' wasm only \(build\/test\//);
    });
  }

  it('leaves no argument word read by index in assembly/', () => {
    // The views of assembly/generated/args.ts are the only way into an argument block.
    for (const file of readFileSync(root + 'assembly/index.ts', 'utf8').matchAll(/from '\.\/(\w+)'/g)) {
      const text = readFileSync(`${root}assembly/${file[1]}.ts`, 'utf8');
      assert.doesNotMatch(text, /load<\w+>\(args\s*\+|argI32|argPtr|argF32/, `assembly/${file[1]}.ts reads its arguments by index`);
    }
  });

  it('refuses a block longer than the argument area, and tails of different lengths, before writing a word', () => {
    const dims = (n) => new Array(n).fill(1);
    assert.throws(() => stridedCopyTask('strided_copy', { out: 0, x: 0, shape: dims(90), xStrides: dims(90), outStrides: dims(90) }, 1),
      (e) => e instanceof wg.RuntimeError && /273 words, at most 256/.test(e.message));
    assert.throws(() => stridedCopyTask('strided_copy', { out: 0, x: 0, shape: dims(3), xStrides: dims(2), outStrides: dims(3) }, 1),
      (e) => e instanceof wg.RuntimeError && /xStrides has 2 entries, shape 3/.test(e.message));
  });
});
