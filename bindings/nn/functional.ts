// torch.nn.functional's names: stateless forms of the layers, and the losses.
export { linear } from '../ops/linear.js';
export { relu, leakyRelu, gelu, elu, sigmoid, tanh } from '../ops/unary.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { layerNorm } from '../ops/normalization.js';
export { dropout } from './layers/dropout.js';
export { crossEntropy, nllLoss, mseLoss, l1Loss, bceWithLogits, type ClassLossOptions, type Reduction } from '../ops/losses.js';
export { lstm, lstmCell, type LstmResult } from '../ops/lstm.js';
export { scaledDotProductAttention, type AttentionOptions } from '../ops/attention.js';
export { gruCell } from '../ops/gru.js';
