// wg.nn: modules, layers, initialisers and the functional forms.
export { Module, type LoadOptions } from './module.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export { Sequential } from './layers/sequential.js';
export { ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Softmax } from './layers/activations.js';
export { Dropout } from './layers/dropout.js';
export { Embedding } from './layers/embedding.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './layers/norm.js';
export { Conv2d, ConvTranspose2d, type Conv2dLayerOptions, type ConvTranspose2dLayerOptions } from './layers/conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dLayerOptions, type AvgPool2dLayerOptions } from './layers/pool.js';
export { Flatten } from './layers/flatten.js';
export { Upsample, type UpsampleOptions } from './layers/upsample.js';
export * as init from './init.js';
export * as functional from './functional.js';
