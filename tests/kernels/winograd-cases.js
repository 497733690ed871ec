// The shapes the Winograd tests sweep, forward and backward: x shape, output channels, padding
// [top, left, bottom, right]. C = 1 or OC = 1 (GEMMs of size 1), a 1x1 output (one tile: the
// weight gradient's product has K = 1), odd and even sizes, tile rows of 1 to 5 groups of four
// tiles (the lane tails), paddings 0, 1, 2, asymmetric, and wider than the kernel reaches, many
// tiles (the weight gradient's K over several GEMM blocks) and many channels (the forward's K).
export const WINOGRAD_CASES = [
  { x: [1, 1, 3, 3], OC: 1, pad: [0, 0, 0, 0] },
  { x: [2, 1, 6, 5], OC: 3, pad: [1, 1, 1, 1] },
  { x: [1, 3, 3, 12], OC: 2, pad: [0, 0, 0, 0] },
  { x: [3, 8, 13, 13], OC: 8, pad: [0, 0, 0, 0] },
  { x: [2, 9, 7, 9], OC: 11, pad: [1, 1, 1, 1] },
  { x: [1, 5, 10, 17], OC: 4, pad: [0, 1, 2, 1] },
  { x: [2, 4, 4, 4], OC: 5, pad: [3, 2, 0, 3] },
  { x: [2, 4, 4, 4], OC: 5, pad: [2, 2, 2, 2] },
  { x: [1, 6, 19, 34], OC: 7, pad: [1, 0, 0, 1] },
  { x: [1, 3, 8, 11], OC: 17, pad: [2, 0, 1, 2] },
  { x: [4, 2, 29, 30], OC: 3, pad: [1, 1, 1, 1] },
  { x: [1, 40, 6, 5], OC: 33, pad: [1, 1, 1, 1] },
  { x: [1, 300, 6, 5], OC: 9, pad: [1, 1, 1, 1] },
];

/** (OH, OW) of a case's 3x3 stride-1 convolution. */
export const outSize = (c) => [c.x[2] + c.pad[0] + c.pad[2] - 2, c.x[3] + c.pad[1] + c.pad[3] - 2];
