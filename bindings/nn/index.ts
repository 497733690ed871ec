// wg.nn: modules, layers, initialisers and the functional forms.
export { Module, type LoadOptions } from './module.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential } from './layers/sequential.js';
export { ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Softmax, SiLU, Mish, Hardswish, SELU, Softplus, PReLU } from './layers/activations.js';
export { Dropout } from './layers/dropout.js';
export { Embedding, type EmbeddingLayerOptions } from './layers/embedding.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './layers/norm.js';
export {
  Conv1d, Conv2d, Conv3d, ConvTranspose2d, type Conv1dLayerOptions, type Conv2dLayerOptions, type Conv3dLayerOptions,
  type ConvTranspose2dLayerOptions,
} from './layers/conv.js';
export {
  ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d,
} from './layers/padding.js';
export {
  MaxPool1d, AvgPool1d, MaxPool2d, AvgPool2d, MaxPool3d, AvgPool3d, AdaptiveAvgPool2d, type MaxPool2dLayerOptions, type AvgPool2dLayerOptions,
  type MaxPool3dLayerOptions, type AvgPool3dLayerOptions,
} from './layers/pool.js';
export { Flatten } from './layers/flatten.js';
export { Upsample, type UpsampleOptions } from './layers/upsample.js';
export * as init from './init.js';
export * as functional from './functional.js';
export { LSTM, LSTMCell, type LSTMOptions, type LSTMState, type LSTMOutput, type LSTMNamedOutput, type LSTMCellState } from './layers/lstm.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCall } from './layers/attention.js';
export { PositionalEncoding, PositionalEmbedding, type PositionalOptions } from './layers/positional.js';
export { TransformerBlock, GPT, type TransformerBlockOptions, type GPTOptions } from './layers/transformer.js';
export { GRU, GRUCell, type GRUOptions } from './layers/gru.js';
export { RNN, RNNCell, type RNNOptions, type RNNCellOptions } from './layers/rnn.js';
export { RecurrentStack, RecurrentCell, type RecurrentOptions, type RecurrentOutput, type CellOptions } from './layers/recurrent.js';
