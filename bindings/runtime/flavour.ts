// The four builds of the wasm: with or without relaxed SIMD, and with shared memory for threads or
// without. The engine picks one and the embedded entry carries two, so the name lives apart from both.
export type Flavour = 'simd' | 'simd-threads' | 'relaxed' | 'relaxed-threads';
