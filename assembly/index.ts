// The module's exports: every `*_task` here is a kernel the pool can run.
export * from './fill';
export * from './random';
export * from './optim';
export * from './gather';
export * from './gemm';
export * from './lstm';
export * from './lstm_reference';
export * from './attention';
export * from './attention_reference';
