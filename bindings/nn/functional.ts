// torch.nn.functional's names: stateless forms of the layers, and the losses.
export { linear } from '../ops/linear.js';
export { relu, leakyRelu, gelu, sigmoid, tanh } from '../ops/unary.js';
export { elu } from '../ops/elu.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { layerNorm } from '../ops/normalization.js';
export { conv2d, convTranspose2d } from '../ops/conv.js';
export { convTranspose3d } from '../ops/conv3d.js';
export { maxPool2d, avgPool2d, maxPool3d, avgPool3d, adaptiveAvgPool2d, globalAvgPool2d, globalMaxPool2d } from '../ops/pool.js';
export { batchNorm } from '../ops/batchnorm.js';
export { upsampleNearest } from '../ops/upsample.js';
export { dropout } from './layers/dropout.js';
export { crossEntropy, nllLoss, mseLoss, l1Loss, bceWithLogits, type ClassLossOptions, type Reduction } from '../ops/losses.js';
export { lstm, lstmCell, type LstmResult } from '../ops/lstm.js';
export { scaledDotProductAttention, type AttentionOptions } from '../ops/attention.js';
export { gruCell } from '../ops/gru.js';
