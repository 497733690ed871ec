// The public surface of wasmgrad.
export { ready, setNumThreads, getNumThreads, shutdown, runtimeInfo, type ReadyOptions, type RuntimeInfo } from './runtime/engine.js';
export type { Flavour } from './runtime/flavour.js';
export { Tensor } from './tensor.js';
import './tensor-methods.js';
export type { TensorMethods } from './tensor-method-types.js';
export type { DType } from './dtype.js';
export { tensor, empty, full, zeros, ones, rand, randn, manualSeed, type RandomOptions, type CreationOptions } from './creation.js';
export * from './errors.js';
export { defineOptions, noOptions, closest, type OptionsDeclaration, type OptionType } from './options.js';
export { saveSafetensors, loadSafetensors, type SafetensorsContents } from './io/safetensors.js';
export { saveWeights, loadWeights, writeFileAtomic } from './io/files.js';
export { parseIdx, readIdx, type IdxArray, type IdxDType } from './data/idx.js';
export { loadFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type FashionMnist, type FashionMnistOptions, type ImageSet } from './data/fashion-mnist.js';
export { SeededRandom } from './data/seeded-random.js';
export { DataLoader, type DataLoaderOptions, type Augmentations, type Batch, type LabelledImages } from './data/loader.js';
export { add, sub, mul, div, pow, maximum, minimum, affine } from './ops/arithmetic.js';
export { neg, abs, exp, log, sqrt, rsqrt, square, reciprocal, relu, leakyRelu, gelu, sigmoid, tanh, sin, cos, sign, clamp } from './ops/unary.js';
export { elu } from './ops/elu.js';
export { sum, mean, max, min, argmax, argmin, type Dims } from './ops/reduce.js';
export { log1p, softplus, silu, mish, hardswish, selu, prelu } from './ops/activations.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { matmul, linear } from './ops/linear.js';
export { reshape, view, flatten, squeeze, unsqueeze, permute, transpose, t, narrow, expand, contiguous, clone } from './ops/views.js';
export { cat, stack, split } from './ops/join.js';
export { eq, ne, lt, le, gt, ge, where } from './ops/compare.js';
export { indexSelect, gather } from './ops/indexing.js';
export { cast } from './ops/cast.js';
export { embedding, type EmbeddingOptions } from './ops/embedding.js';
export { pad, type PadMode, type PadOptions } from './ops/pad.js';
export { layerNorm } from './ops/normalization.js';
export { conv2d, convTranspose2d, type Conv2dOptions, type ConvTranspose2dOptions } from './ops/conv.js';
export { conv3d, convTranspose3d, type Conv3dOptions, type ConvTranspose3dOptions } from './ops/conv3d.js';
export {
  conv1d, maxPool1d, avgPool1d, type Conv1dOptions, type MaxPool1dOptions, type AvgPool1dOptions, type Single, type Padding1d,
} from './ops/lifted-1d.js';
export {
  maxPool2d, avgPool2d, maxPool3d, avgPool3d, globalMaxPool2d, globalAvgPool2d, adaptiveAvgPool2d, type MaxPool2dOptions,
  type AvgPool2dOptions, type MaxPool3dOptions, type AvgPool3dOptions, type ReturnIndices, type Triple, type Padding3d,
} from './ops/pool.js';
export { batchNorm, type BatchNormOptions } from './ops/batchnorm.js';
export { upsampleNearest } from './ops/upsample.js';
export { crossEntropy, nllLoss, mseLoss, l1Loss, bceWithLogits } from './ops/losses.js';
export { sgdStep, adamStep, adamSteps, adagradStep } from './optim/functional.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { backward } from './autograd/backward.js';
export { detectAnomaly, isAnomalyEnabled } from './autograd/anomaly.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './autograd/gradcheck.js';
export { scope, keep } from './lifetime.js';
export { memory, type MemoryReport } from './memory-report.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as internals from './internals.js';
