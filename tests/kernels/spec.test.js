import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate, specTasks } from '../../scripts/gen-kernels.mjs';
import * as wg from '../../dist/bindings/index.js';
import { engine } from '../../dist/bindings/runtime/engine.js';
import { stridedCopyTask } from '../../dist/bindings/runtime/generated/kernel-args.js';

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
