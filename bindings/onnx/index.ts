// wg.onnx: ONNX models in (load, as a trainable module) and out (save, export).
export { load, loadSync, type LoadOptions } from './load.js';
export { OnnxModule } from './module.js';
export { supportedOps } from './converters.js';
