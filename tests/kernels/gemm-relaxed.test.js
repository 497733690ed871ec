// The relaxed-SIMD flavour's GEMM has kernels of its own (the 5x8 tile, strips of 5 and 4, a
// longer KC), which the suite's engine never loads: this runs gemm.test.js (references at k = 1,
// odd sizes and tails, the same bits on 1-4 threads and both ways of splatting A) on that flavour,
// in a Node with the relaxed-SIMD flag, and attention.test.js, whose tiles share its KC.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const files = ['./gemm.test.js', './attention.test.js'].map((f) => fileURLToPath(new URL(f, import.meta.url)));

describe('gemm on the relaxed-SIMD flavour', () => {
  it('passes gemm.test.js and attention.test.js', function () {
    this.timeout(600000);
    const run = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', mocha, ...files], {
      encoding: 'utf8',
      env: { ...process.env, WASMGRAD_TEST_RELAXED: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, `failures on the relaxed flavour:\n${output}`);
    const passing = /(\d+) passing/.exec(output);
    assert.ok(passing !== null && Number(passing[1]) > 100, `expected both files to run:\n${output}`);
    this.test.title += `: ${passing[1]} passing`;
  });
});
