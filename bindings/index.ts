// The public surface of wasmgrad.
export { ready, setNumThreads, getNumThreads, shutdown, runtimeInfo, type ReadyOptions, type RuntimeInfo, type Flavour } from './runtime/engine.js';
export { Tensor } from './tensor.js';
export type { DType } from './dtype.js';
export { tensor, empty, full, zeros, ones, rand, randn, manualSeed, type RandomOptions } from './creation.js';
export * from './errors.js';
export { matmul } from './kernels/gemm.js';
export { saveSafetensors, loadSafetensors, type SafetensorsContents } from './io/safetensors.js';
export { saveWeights, loadWeights, writeFileAtomic } from './io/files.js';
export { parseIdx, readIdx, type IdxArray, type IdxDType } from './data/idx.js';
export { loadFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type FashionMnist, type FashionMnistOptions, type ImageSet } from './data/fashion-mnist.js';
export { DataLoader, type DataLoaderOptions, type Augmentations, type Batch, type LabelledImages } from './data/loader.js';
