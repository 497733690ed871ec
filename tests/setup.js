// Root hooks: every test file may assume the engine is ready, on all cores, with the wasm that
// keeps the scalar reference kernels the kernel tests hold the SIMD ones to (build/test/; the
// package ships build/, without them: scripts/build-wasm.mjs). With WASMGRAD_TEST_RELAXED=1 (and
// Node's relaxed-SIMD flag) it is the relaxed flavour's engine: how
// tests/kernels/gemm-relaxed.test.js runs the GEMM's tests on that flavour's kernels.
import { readFileSync } from 'node:fs';
import * as wg from '../dist/bindings/index.js';

/** The wasm flavours: the build's targets in asconfig.json. */
export const FLAVOURS = Object.keys(JSON.parse(readFileSync(new URL('../asconfig.json', import.meta.url), 'utf8')).targets);

const withReferences = (flavour) => new URL(`../build/test/wasmgrad-${flavour}.wasm`, import.meta.url);

export const mochaHooks = {
  async beforeAll() {
    const relaxed = process.env.WASMGRAD_TEST_RELAXED === '1';
    const info = await wg.ready({
      relaxedSimd: relaxed,
      wasm: Object.fromEntries(FLAVOURS.map((f) => [f, withReferences(f)])),
    });
    if (relaxed && !info.flavour.startsWith('relaxed')) throw new Error(`asked for the relaxed flavour, got ${info.flavour}`);
  },
};
