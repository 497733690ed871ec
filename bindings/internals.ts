// What wasmgrad's other entries need from the library beyond its public surface: `wasmgrad/onnx`
// traces ops and shares the library's argument checks. An entry reaches the library only through
// index.ts, so its bundle imports the one copy in the package's bundle.js (one registry, one Tensor
// class, one set of error classes) instead of carrying its own (scripts/bundle.mjs). No stability
// promise: these may change in any release.
export { setOpObserver, type OpObserver } from './autograd/registry.js';
export { broadcastShapes, broadcastStrides } from './kernels/broadcast.js';
export { pair, sides } from './kernels/spatial.js';
export { numel } from './shape.js';
