// Reads the conformance cases' files with the library's own ONNX decoder (bindings/onnx/decode.ts).
import { readFileSync } from 'node:fs';
import { decodeModel, decodeTensor } from '../../dist/bindings/onnx/decode.js';

export { decodeModel, decodeTensor, dtypeName, tensorFromProto } from '../../dist/bindings/onnx/decode.js';

export const readTensor = (path) => decodeTensor(readFileSync(path));
export const readModel = (path) => decodeModel(readFileSync(path));
