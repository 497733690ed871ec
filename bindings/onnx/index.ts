// The `wasmgrad/onnx` entry: ONNX models in (load, as a trainable module) and out (save: a module
// as trained, with a loaded model's input and output names kept; export: any module). Both trace
// forward on example inputs (export.ts). An entry of its own, so `import 'wasmgrad'` does not
// parse it; it reaches the library through ../index.js alone (scripts/bundle.mjs).
export { load, loadSync, type LoadOptions } from './load.js';
export { OnnxModule } from './module.js';
export { supportedOps } from './converters.js';
export { inspect, type OnnxSummary } from './inspect.js';
export { exportModule as export, exportModule as save, type ExportOptions } from './export.js';
