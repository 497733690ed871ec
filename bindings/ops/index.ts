// Every op module, as one table of public functions: Tensor methods are looked up here by the
// names the registry flags (tensor-methods.ts). Importing it registers every op.
export * from './activations.js';
export * from './arithmetic.js';
export * from './attention.js';
export * from './batchnorm.js';
export * from './cast.js';
export * from './compare.js';
export * from './conv.js';
export * from './conv3d.js';
export * from './elu.js';
export * from './embedding.js';
export * from './gru.js';
export * from './indexing.js';
export * from './join.js';
export * from './lifted-1d.js';
export * from './linear.js';
export * from './losses.js';
export * from './lstm.js';
export * from './normalization.js';
export * from './pad.js';
export * from './pool.js';
export * from './reduce.js';
export * from './rnn.js';
export * from './softmax.js';
export * from './unary.js';
export * from './upsample.js';
export * from './views.js';
