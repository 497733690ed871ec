// The order of the per-axis words of the pooling argument block (kernels/spec.mjs: i32x3).
export const AXIS_D = 0;
export const AXIS_H = 1;
export const AXIS_W = 2;
