// The entry `wasmgrad/embedded`: the whole package, with the simd and simd-threads wasm and the
// pool's worker inside the JavaScript, for bundlers that copy no assets (esbuild). Nothing to
// configure: import this instead of `wasmgrad`. The relaxed flavours are not carried (opt-in, and
// each would add its size): `ready({ relaxedSimd: true })` looks for their files as usual.
import { embed } from './embedded-sources.js';
import { SHARED_FLAG_OFFSET, THREADS_WASM_GZIP_BASE64, WORKER_SCRIPT } from './embedded-assets.js';

embed({ threadsWasmGzipBase64: THREADS_WASM_GZIP_BASE64, sharedFlagOffset: SHARED_FLAG_OFFSET, workerScript: WORKER_SCRIPT });

export * from '../index.js';
