// Op codes of the reduction kernels, shared with bindings/kernels/reduce.ts (REDUCE_OPS).
// ARGMAX and ARGMIN write int32 indices; the others write float32.
export const SUM = 0;
export const MEAN = 1;
export const SUMSQ = 2;
export const MAX = 3;
export const MIN = 4;
export const ARGMAX = 5;
export const ARGMIN = 6;
