// Generated into dist/ by scripts/bundle.mjs after tsc (the wasm exists only after the build).
/** build/wasmgrad-simd-threads.wasm, gzipped, in base64. */
export declare const THREADS_WASM_GZIP_BASE64: string;
/** The one byte in which build/wasmgrad-simd.wasm differs from it. */
export declare const SHARED_FLAG_OFFSET: number;
/** dist/bindings/runtime/worker.js and its imports, bundled into one ES module. */
export declare const WORKER_SCRIPT: string;
