// The module's exports: every `*_task` here is a kernel the pool can run.
export * from './fill';
export * from './random';
export * from './optim';
export * from './gather';
export * from './gemm';
export * from './elementwise';
export * from './elementwise_reference';
export * from './binary';
export * from './binary_reference';
export * from './reduce';
export * from './reduce_reference';
export * from './softmax';
export * from './softmax_reference';
export * from './copy';
