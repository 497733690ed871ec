// Root hooks: every test file may assume the engine is ready, on all cores, with the wasm that
// keeps the scalar reference kernels the kernel tests hold the SIMD ones to (build/test/; the
// package ships build/, without them: scripts/build-wasm.mjs).
import * as wg from '../dist/bindings/index.js';

const withReferences = (flavour) => new URL(`../build/test/wasmgrad-${flavour}.wasm`, import.meta.url);

export const mochaHooks = {
  async beforeAll() {
    await wg.ready({
      wasm: Object.fromEntries(['simd', 'simd-threads', 'relaxed', 'relaxed-threads'].map((f) => [f, withReferences(f)])),
    });
  },
};
