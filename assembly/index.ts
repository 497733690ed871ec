// The module's exports: every `*_task` here is a kernel the pool can run.
export * from './fill';
export * from './random';
export * from './optim';
export * from './gather';
export * from './gemm';
export * from './im2col';
export * from './channels';
export * from './pool';
export * from './batchnorm';
export * from './upsample';
