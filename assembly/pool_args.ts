// The argument block of the pooling tasks (pool.ts, max_pool_2x2s2.ts), written by
// bindings/kernels/pool.ts. Per-axis words come in the order depth, height, width: ARG_SIZE +
// AXIS_H is the input height.
export const ARG_X = 0; // x (or dx) is (P, D, H, W): P = N*C volumes
export const ARG_Y = 1; // y (or dy) is (P, OD, OH, OW)
export const ARG_INDICES = 2; // indices is (P, OD, OH, OW) int32: (d*H + h)*W + w of each max in its volume, -1 for an empty window
export const ARG_P = 3;
export const ARG_SIZE = 4; // D, H, W
export const ARG_OUT = 7; // OD, OH, OW
export const ARG_KERNEL = 10; // KD, KH, KW
export const ARG_STRIDE = 13;
export const ARG_PAD_BEFORE = 16; // front, top, left
export const ARG_PAD_AFTER = 19; // back, bottom, right
export const ARG_DILATION = 22;
export const ARG_COUNT_INCLUDE_PAD = 25; // average pooling only: divide by the taps inside the padded input, or the input itself
// max pooling backward only: set to 1 when an index is neither -1 nor inside its volume. Such an
// index is skipped, and the wrapper throws: threads only ever store 1, so the word needs no atomics.
export const ARG_BAD_INDEX = 26;
export const AXIS_D = 0;
export const AXIS_H = 1;
export const AXIS_W = 2;
