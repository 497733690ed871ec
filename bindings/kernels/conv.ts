// 2-D convolution and transposed convolution on NCHW float32, forward and backward, lowered to
// GEMM with im2col (assembly/im2col.ts); 3x3 stride-1 convolutions of enough channels run Winograd
// instead, forward and backward (./winograd.ts, ./winograd-weight-grad.ts), and a first layer's
// weight gradient is summed directly (./conv-weight-grad-3x3.ts). One convolution maps `input` images (N, C, H, W) to
// `output` images (N, OC, OH, OW); per image and group it is the product
//   output[n, g] (OCg, OH*OW) = weight[g] (OCg, Cg*KH*KW) @ cols[n, g] (Cg*KH*KW, OH*OW),
// its input gradient is weight[g]^T @ doutput[n, g] followed by col2im, and its weight gradient
// sums doutput[n, g] @ cols[n, g]^T over n in ascending order. A transposed convolution is the
// input gradient of the convolution whose input has its output's shape, and the other way round.
import { empty, zeros } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { channelBiasAddTask, channelSumTask, im2colTask, type Im2colArgs } from '../runtime/generated/kernel-args.js';
import { Tensor } from '../tensor.js';
import { contiguous, copyInto } from './copy.js';
import { convWeightGrad3x3 } from './conv-weight-grad-3x3.js';
import { runGemm, type GemmCall, type GemmOperand } from './gemm.js';
import { kernelChoice, rawView, taskFor, type KernelChoice } from './operands.js';
import { checkShapeIs, checkTensor, pair, sides, type Padding, type Pair, type Sides } from './spatial.js';
import { winogradConv2d, type WinogradGeometry } from './winograd.js';
import { winogradWeightGrad } from './winograd-weight-grad.js';

export interface Conv2dOptions {
  /** Default 1. */
  stride?: Pair;
  /** Default 0. 'same' (stride 1 only) pads d*(k-1) in all, the odd pixel at the bottom/right, as torch. */
  padding?: Padding | 'valid' | 'same';
  /** Default 1. */
  dilation?: Pair;
  /** Default 1; must divide the input and output channels. groups = C is a depthwise convolution. */
  groups?: number;
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Removed from the output's sides, as torch's conv_transpose2d padding. */
  padding?: Padding;
  /** Added to the output's bottom/right; smaller than the stride or the dilation. Default 0. */
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** Which gradients a backward computes. Each defaults to true. */
export interface ConvNeeds {
  input?: boolean;
  weight?: boolean;
  bias?: boolean;
}

/** The gradients with respect to the input, weight and bias; null where not asked for. */
export interface ConvGrads {
  dx: Tensor | null;
  dw: Tensor | null;
  db: Tensor | null;
}

export interface Im2colOptions {
  kernelSize: Pair;
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  kernel?: KernelChoice;
}

/** A convolution from (N, C, H, W) input images to (N, OC, OH, OW) output images. */
interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
  OC: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  stride: [number, number];
  dilation: [number, number];
  pad: Sides;
  groups: number;
}

// Column matrices for at most this many floats (16 MiB) exist at once; a batch is lowered in chunks.
const COLUMN_BUDGET = 1 << 22;

/** (H + pads - dilated kernel) / stride + 1, rounded down. */
function convolvedSize(size: number, padBefore: number, padAfter: number, k: number, stride: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

function describeGeometry(kh: number, kw: number, stride: number[], pad: Sides, dilation: number[]): string {
  return `kernel ${kh}x${kw}, stride [${stride}], padding [${pad.top}, ${pad.left}, ${pad.bottom}, ${pad.right}], dilation [${dilation}]`;
}

function checkOutputSize(op: string, oh: number, ow: number, x: Tensor, detail: string): void {
  if (oh < 1 || ow < 1) {
    throw new ShapeError(`${op}: output size would be ${oh}x${ow} for input ${formatShape(x.shape)} with ${detail}; it must be at least 1x1`);
  }
}

function checkGroups(op: string, groups: unknown, channels: [string, number][], x: Tensor): number {
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new ArgumentError(`${op}: groups must be a whole number >= 1, got ${String(groups)}`);
  }
  for (const [what, n] of channels) {
    if (n % groups !== 0) {
      throw new ShapeError(`${op}: groups = ${groups} must divide the ${what} (${n}) for input ${formatShape(x.shape)}`);
    }
  }
  return groups;
}

function checkBias(op: string, b: Tensor | null | undefined, channels: number): Tensor | null {
  if (b === undefined || b === null) return null;
  const t = checkTensor(op, 'bias', b, 1, `a vector of ${channels} output channels`);
  checkShapeIs(op, 'bias', t, [channels], 'one per output channel');
  return t;
}

function conv2dGeometry(op: string, x: Tensor, w: Tensor, opts: Conv2dOptions): Geometry {
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  checkTensor(op, 'weight', w, 4, '4-D (out_channels, in_channels/groups, kH, kW)');
  const [N, C, H, W] = x.shape;
  const [OC, Cg, KH, KW] = w.shape;
  const groups = checkGroups(op, opts.groups ?? 1, [['input channels', C], ['output channels of the weight', OC]], x);
  if (Cg !== C / groups) {
    throw new ShapeError(
      `${op}: weight ${formatShape(w.shape)} must have in_channels/groups = ${C / groups} in dim 1 for input ` +
        `${formatShape(x.shape)} with groups = ${groups}, got ${Cg}`,
    );
  }
  if (KH < 1 || KW < 1) throw new ShapeError(`${op}: weight ${formatShape(w.shape)} has an empty kernel`);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  let pad: Sides;
  if (opts.padding === 'valid') {
    pad = { top: 0, left: 0, bottom: 0, right: 0 };
  } else if (opts.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new ArgumentError(`${op}: padding 'same' needs stride 1, got stride [${stride}]`);
    }
    const th = dilation[0] * (KH - 1), tw = dilation[1] * (KW - 1);
    pad = { top: th >> 1, left: tw >> 1, bottom: th - (th >> 1), right: tw - (tw >> 1) };
  } else {
    pad = sides(op, opts.padding ?? 0);
  }
  const OH = convolvedSize(H, pad.top, pad.bottom, KH, stride[0], dilation[0]);
  const OW = convolvedSize(W, pad.left, pad.right, KW, stride[1], dilation[1]);
  checkOutputSize(op, OH, OW, x, describeGeometry(KH, KW, stride, pad, dilation));
  return { N, C, H, W, OC, OH, OW, KH, KW, stride, dilation, pad, groups };
}

/**
 * The convolution whose input gradient is the transposed convolution: its input is the transposed
 * convolution's output (N, Cout, OH, OW), its output the transposed convolution's input.
 */
function convTranspose2dGeometry(op: string, x: Tensor, w: Tensor, opts: ConvTranspose2dOptions): Geometry {
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  checkTensor(op, 'weight', w, 4, '4-D (in_channels, out_channels/groups, kH, kW)');
  const [N, C, H, W] = x.shape;
  const [CW, OCg, KH, KW] = w.shape;
  if (CW !== C) {
    throw new ShapeError(`${op}: weight ${formatShape(w.shape)} must have in_channels = ${C} in dim 0 for input ${formatShape(x.shape)}, got ${CW}`);
  }
  const groups = checkGroups(op, opts.groups ?? 1, [['input channels', C]], x);
  if (KH < 1 || KW < 1) throw new ShapeError(`${op}: weight ${formatShape(w.shape)} has an empty kernel`);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const pad = sides(op, opts.padding ?? 0);
  const outputPadding = pair(op, 'outputPadding', opts.outputPadding ?? 0, 0);
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
      throw new ArgumentError(
        `${op}: outputPadding [${outputPadding}] must be smaller than the stride [${stride}] or the dilation [${dilation}]`,
      );
    }
  }
  const OH = (H - 1) * stride[0] - pad.top - pad.bottom + dilation[0] * (KH - 1) + outputPadding[0] + 1;
  const OW = (W - 1) * stride[1] - pad.left - pad.right + dilation[1] * (KW - 1) + outputPadding[1] + 1;
  checkOutputSize(op, OH, OW, x, `${describeGeometry(KH, KW, stride, pad, dilation)}, outputPadding [${outputPadding}]`);
  return { N, C: OCg * groups, H: OH, W: OW, OC: C, OH: H, OW: W, KH, KW, stride, dilation, pad, groups };
}

/**
 * A convolution whose columns are its input. The sizes must agree too: a transposed convolution's
 * outputPadding (allowed below the dilation) gives the input rows no 1x1 tap reaches.
 */
function isPointwise(g: Geometry): boolean {
  const { pad } = g;
  return g.KH === 1 && g.KW === 1 && g.stride[0] === 1 && g.stride[1] === 1 &&
    pad.top === 0 && pad.left === 0 && pad.bottom === 0 && pad.right === 0 && g.OH === g.H && g.OW === g.W;
}

/**
 * Where image n's row r of a column buffer starts: 'images' stacks each image's (rows, OH*OW)
 * matrix, for per-image products; 'rows' interleaves the batch, (rows, count*OH*OW), so one
 * product sums over every image of a chunk.
 */
type ColumnLayout = 'images' | 'rows';

function im2colArgs(g: Geometry, image: number, cols: number, count: number, layout: ColumnLayout): Im2colArgs {
  const S = g.OH * g.OW;
  const [imageStride, rowStride] = layout === 'images' ? [g.C * g.KH * g.KW * S, S] : [S, count * S];
  return {
    image, cols, N: count, C: g.C, H: g.H, W: g.W, KH: g.KH, KW: g.KW, OH: g.OH, OW: g.OW, sh: g.stride[0], sw: g.stride[1],
    pt: g.pad.top, pl: g.pad.left, dh: g.dilation[0], dw: g.dilation[1], imageStride, rowStride,
  };
}

/** cols = im2col of images [n0, n0 + count) of `image`. */
function lower(g: Geometry, image: Tensor, n0: number, count: number, cols: Tensor, layout: ColumnLayout, kernel: KernelChoice = 'simd'): void {
  const args = im2colArgs(g, image.ptr() + 4 * n0 * g.C * g.H * g.W, cols.ptr(), count, layout);
  im2colTask(taskFor('im2col', kernel), args, count * g.C * g.KH * g.KW * g.OH * g.OW);
}

/** images [n0, n0 + count) of `image` = col2im of cols. */
function raise(g: Geometry, cols: Tensor, image: Tensor, n0: number, count: number, kernel: KernelChoice = 'simd'): void {
  const args = im2colArgs(g, image.ptr() + 4 * n0 * g.C * g.H * g.W, cols.ptr(), count, 'images');
  im2colTask(taskFor('col2im', kernel), args, count * g.C * g.KH * g.KW * g.OH * g.OW);
}

/**
 * Runs `body` over the batch in chunks whose column matrices fit COLUMN_BUDGET, with a column
 * buffer (freed afterwards); a pointwise convolution needs none (null): its columns are its input.
 */
function chunks(g: Geometry, body: (n0: number, count: number, cols: Tensor | null) => void): void {
  if (isPointwise(g)) {
    body(0, g.N, null);
    return;
  }
  const perImage = g.C * g.KH * g.KW * g.OH * g.OW;
  const chunk = Math.max(1, Math.min(g.N, Math.floor(COLUMN_BUDGET / perImage)));
  const cols = empty([chunk, g.C * g.KH * g.KW, g.OH * g.OW]);
  try {
    for (let n0 = 0; n0 < g.N; n0 += chunk) body(n0, Math.min(chunk, g.N - n0), cols);
  } finally {
    cols.dispose();
  }
}

/** The per-group sizes of a convolution: weight[g] is (OCg, K), an image's columns of group g (K, S). */
function groupSizes(g: Geometry) {
  return { K: (g.C / g.groups) * g.KH * g.KW, OCg: g.OC / g.groups, S: g.OH * g.OW };
}

/** An operand at `offset` elements into tensor `t`, as the GEMM kernel reads it. */
const at = (t: Tensor, offset: number, ld: number, trans = false): GemmOperand => ({ ptr: t.ptr() + 4 * offset, ld, trans });

/** Plain products: no scaling or bias. */
function product(call: Pick<GemmCall, 'a' | 'b' | 'c' | 'M' | 'N' | 'K'> & Partial<GemmCall>): void {
  runGemm({ batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, beta: 0, bias: 0, ...call });
}

/**
 * out = conv(input): per group, one batched product over the chunk's images,
 *   output[n, g] (OCg, S) = weight[g] (OCg, K) @ cols[n, g] (K, S), the weight shared by every n.
 */
function convolve(g: Geometry, input: Tensor, w: Tensor, out: Tensor): void {
  const { K, OCg, S } = groupSizes(g);
  chunks(g, (n0, count, cols) => {
    if (cols !== null) lower(g, input, n0, count, cols, 'images');
    const columns = cols ?? input;
    const first = cols === null ? n0 * g.C * S : 0;
    for (let grp = 0; grp < g.groups; grp++) {
      product({
        a: at(w, grp * OCg * K, K), b: at(columns, first + grp * K * S, S), c: at(out, (n0 * g.OC + grp * OCg) * S, S),
        M: OCg, N: S, K, batch: count, strideB: g.groups * K * S, strideC: g.OC * S,
      });
    }
  });
}

/**
 * dinput = the adjoint of conv applied to doutput: cols[n, g] (K, S) = weight[g]^T @ doutput[n, g]
 * (OCg, S), batched over the chunk, then col2im sums the columns back into images.
 */
function convolveAdjoint(g: Geometry, doutput: Tensor, w: Tensor, dinput: Tensor): void {
  const { K, OCg, S } = groupSizes(g);
  chunks(g, (n0, count, cols) => {
    const columns = cols ?? dinput;
    const first = cols === null ? n0 * g.C * S : 0;
    for (let grp = 0; grp < g.groups; grp++) {
      product({
        a: at(w, grp * OCg * K, K, true), b: at(doutput, (n0 * g.OC + grp * OCg) * S, S), c: at(columns, first + grp * K * S, S),
        M: K, N: S, K: OCg, batch: count, strideB: g.OC * S, strideC: g.groups * K * S,
      });
    }
    if (cols !== null) raise(g, cols, dinput, n0, count);
  });
}

/** Images [n0, n0 + count) of t (N, C, S) with the channel first: (C, count, S), a new tensor. */
function channelsFirst(t: Tensor, n0: number, count: number, C: number, S: number): Tensor {
  const view = rawView(t, [C, count, S], t.offset + n0 * C * S, [S, C * S, 1]);
  try {
    return contiguous(view);
  } finally {
    view.dispose();
  }
}

/**
 * dw[g] = sum over the batch of doutput[n, g] @ cols[n, g]^T. With the chunk's doutput channel
 * first, (OC, count*S), and its columns interleaved, (C*KH*KW, count*S), that is one product per
 * chunk and group whose inner dimension runs over every image and position; chunks add in order.
 * The product's register tiles are wider than high (gemm_kernel.ts): when dw[g] (OCg, K) has fewer
 * columns than rows (a strided first layer's K = 9 taps against 32 channels), its transpose
 * cols @ doutput^T (K, OCg) pads fewer of them, and is transposed into dw afterwards. Each element
 * is the same sum in the same order either way.
 */
function convolveWeightGrad(g: Geometry, doutput: Tensor, input: Tensor, dw: Tensor): void {
  const { K, OCg, S } = groupSizes(g);
  if (g.N === 0) return;
  const transposed = K < OCg;
  const target = transposed ? empty([g.groups, K, OCg]) : dw;
  try {
    chunks(g, (n0, count, cols) => {
      const dy = channelsFirst(doutput, n0, count, g.OC, S);
      const columns = cols ?? channelsFirst(input, n0, count, g.C, S);
      try {
        if (cols !== null) lower(g, input, n0, count, cols, 'rows');
        const inner = count * S;
        for (let grp = 0; grp < g.groups; grp++) {
          const dyRows = grp * OCg * inner, columnRows = grp * K * inner, beta = n0 > 0 ? 1 : 0;
          if (transposed) {
            product({
              a: at(columns, columnRows, inner), b: at(dy, dyRows, inner, true), c: at(target, grp * K * OCg, OCg),
              M: K, N: OCg, K: inner, beta,
            });
          } else {
            product({
              a: at(dy, dyRows, inner), b: at(columns, columnRows, inner, true), c: at(dw, grp * OCg * K, K), M: OCg, N: K, K: inner, beta,
            });
          }
        }
      } finally {
        dy.dispose();
        if (cols === null) columns.dispose();
      }
    });
    if (transposed) {
      const from = rawView(target, [g.groups, OCg, K], target.offset, [K * OCg, 1, OCg]);
      const to = rawView(dw, [g.groups, OCg, K], dw.offset, [OCg * K, K, 1]);
      try {
        copyInto(from, to);
      } finally {
        from.dispose();
        to.dispose();
      }
    }
  } finally {
    if (transposed) target.dispose();
  }
}

function addBias(y: Tensor, b: Tensor): void {
  const [N, C, H, W] = y.shape;
  channelBiasAddTask('channel_bias_add', { y: y.ptr(), bias: b.ptr(), N, C, S: H * W }, y.size);
}

/** db[c] = sum of dy[:, c] over the batch and the plane, in a fixed order. */
export function channelSum(dy: Tensor, kernel?: KernelChoice): Tensor {
  const op = 'channelSum';
  checkTensor(op, 'dy', dy, 2, 'at least 2-D (N, C, ...)', true);
  const [N, C] = dy.shape;
  const out = empty([C]);
  channelSumTask(taskFor('channel_sum', kernelChoice(op, kernel)), { out: out.ptr(), x: dy.ptr(), N, C, S: dy.size / Math.max(N * C, 1) }, dy.size);
  return out;
}

/** A 3x3 stride-1 undilated ungrouped convolution: the shape Winograd F(2x2, 3x3) and F(3x3, 2x2) serve. */
function isPlain3x3(g: Geometry): boolean {
  return g.KH === 3 && g.KW === 3 && g.stride[0] === 1 && g.stride[1] === 1 && g.dilation[0] === 1 && g.dilation[1] === 1 &&
    g.groups === 1;
}

// Below these the transforms cost more than the multiplies they save (measured on one thread:
// 16 in, 8 out ran 1.3x im2col + GEMM; 8 to 12 in, 0.86x to 1.2x).
const WINOGRAD_MIN_IN_CHANNELS = 16;
const WINOGRAD_MIN_OUT_CHANNELS = 8;

/**
 * Whether conv2dForward takes Winograd F(2x2, 3x3) rather than im2col + GEMM: a choice made by
 * the shape alone, so a given convolution always gives the same bits; so are the backward's below.
 */
function usesWinograd(g: Geometry): boolean {
  return isPlain3x3(g) && g.C >= WINOGRAD_MIN_IN_CHANNELS && g.OC >= WINOGRAD_MIN_OUT_CHANNELS;
}

// The backward passes measured on one thread (N = 16 to 64, 7x7 to 56x56) against im2col + GEMM:
// with 8 channels on one side Winograd took 0.88x to 1.35x im2col's time; with 16 and more on
// both, 0.6x to 0.95x, where its tiles do not waste too many multiplies (below).
const WINOGRAD_BACKWARD_MIN_CHANNELS = 16;

// Winograd spends 16 multiplies per 2x2 tile where im2col + GEMM spends 9 per position it sums
// over: 0.44 of them when the tiles fit exactly, more when an odd size leaves half-empty tiles or
// when the tiles cover more positions than im2col reads (the input gradient of an unpadded
// convolution: dx is larger than dy). Measured: at 0.72 (dx of 13x13 from 11x11) it took 1.3x
// im2col's time, at 0.6 the same, at 0.52 to 0.58 0.83x to 0.87x.
const WINOGRAD_MAX_MULTIPLY_RATIO = 0.6;

/** Winograd's multiplies per channel pair over im2col's, for tiles covering rows x cols against `positions`. */
function multiplyRatio(rows: number, cols: number, positions: number): number {
  return (16 * Math.ceil(rows / 2) * Math.ceil(cols / 2)) / (9 * positions);
}

/**
 * Whether the input gradient takes Winograd: it is the convolution of dy (OC channels in, C out)
 * with the turned weight, padded by 2 - the forward's top and left padding, which must not be
 * negative; its tiles cover dx, where im2col's product runs over dy.
 */
function usesWinogradAdjoint(g: Geometry): boolean {
  return isPlain3x3(g) && g.OC >= WINOGRAD_BACKWARD_MIN_CHANNELS && g.C >= WINOGRAD_BACKWARD_MIN_CHANNELS &&
    g.pad.top <= 2 && g.pad.left <= 2 && multiplyRatio(g.H, g.W, g.OH * g.OW) <= WINOGRAD_MAX_MULTIPLY_RATIO;
}

// The direct weight gradient against dy @ im2col's columnsᵀ, measured on one thread (N = 64, 14x14
// to 32x32, 32 and 64 channels out): 0.56x to 0.8x its time with 1 to 4 channels in (0.95x for 3
// into 64), 1.0x to 1.64x with 8.
const DIRECT_WEIGHT_GRAD_MAX_IN_CHANNELS = 4;

/** Whether the weight gradient is summed directly (./conv-weight-grad-3x3.ts), as for a first layer. */
function usesDirectWeightGrad(g: Geometry): boolean {
  return isPlain3x3(g) && g.C <= DIRECT_WEIGHT_GRAD_MAX_IN_CHANNELS;
}

/** Whether the weight gradient takes Winograd F(3x3, 2x2) rather than dy @ im2col's columnsᵀ; its tiles cover dy. */
function usesWinogradWeightGrad(g: Geometry): boolean {
  return isPlain3x3(g) && g.C >= WINOGRAD_BACKWARD_MIN_CHANNELS && g.OC >= WINOGRAD_BACKWARD_MIN_CHANNELS &&
    multiplyRatio(g.OH, g.OW, g.OH * g.OW) <= WINOGRAD_MAX_MULTIPLY_RATIO;
}

/** y = conv2d(x, w) + b, as torch.nn.functional.conv2d. x is (N, C, H, W), w is (OC, C/groups, kH, kW). */
export function conv2dForward(x: Tensor, w: Tensor, b?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  const g = conv2dGeometry(op, x, w, opts);
  const bias = checkBias(op, b, g.OC);
  const y = empty([g.N, g.OC, g.OH, g.OW]);
  if (usesWinograd(g)) {
    winogradConv2d({ ...g, pt: g.pad.top, pl: g.pad.left }, x, w, bias, y);
    return y;
  }
  convolve(g, x, w, y);
  if (bias !== null) addBias(y, bias);
  return y;
}

/**
 * The 3x3 stride-1 convolution that is conv g's input gradient: from dy (N, OC, OH, OW) to dx
 * (N, C, H, W), padded so that dx[ih] sums dy[ih + pad.top - kh] over the taps kh.
 */
function adjointGeometry(g: Geometry): WinogradGeometry {
  return { N: g.N, C: g.OC, OC: g.C, H: g.OH, W: g.OW, OH: g.H, OW: g.W, pt: 2 - g.pad.top, pl: 2 - g.pad.left };
}

/**
 * The gradients of a convolution (transposed = false) or of a transposed convolution given dy: the
 * two share the geometry `g` of the convolution, with the roles of x and y swapped.
 */
function gradients(op: string, g: Geometry, dy: Tensor, x: Tensor, w: Tensor, needs: ConvNeeds, transposed: boolean): ConvGrads {
  const outShape = transposed ? [g.N, g.C, g.H, g.W] : [g.N, g.OC, g.OH, g.OW];
  checkTensor(op, 'dy', dy, 4, '4-D (N, C, H, W)');
  checkShapeIs(op, 'dy', dy, outShape, 'the shape of the forward output');
  const grads: ConvGrads = { dx: null, dw: null, db: null };
  if (needs.bias !== false) grads.db = channelSum(dy);
  if (needs.weight !== false) {
    grads.dw = g.N === 0 ? zeros(w.shape) : empty(w.shape);
    if (transposed) convolveWeightGrad(g, x, dy, grads.dw);
    else if (g.N > 0 && usesDirectWeightGrad(g)) convWeightGrad3x3({ ...g, pt: g.pad.top, pl: g.pad.left }, x, dy, grads.dw);
    else if (g.N > 0 && usesWinogradWeightGrad(g)) winogradWeightGrad({ ...g, pt: g.pad.top, pl: g.pad.left }, x, dy, grads.dw);
    else convolveWeightGrad(g, dy, x, grads.dw);
  }
  if (needs.input !== false) {
    grads.dx = empty(x.shape);
    if (transposed) convolve(g, dy, w, grads.dx);
    else if (usesWinogradAdjoint(g)) winogradConv2d(adjointGeometry(g), dy, w, null, grads.dx, 'simd', 'adjoint');
    else convolveAdjoint(g, dy, w, grads.dx);
  }
  return grads;
}

/** The gradients of conv2dForward(x, w, b, opts) given dy, the gradient of its output. */
export function conv2dBackward(dy: Tensor, x: Tensor, w: Tensor, opts: Conv2dOptions = {}, needs: ConvNeeds = {}): ConvGrads {
  const op = 'conv2d backward';
  return gradients(op, conv2dGeometry(op, x, w, opts), dy, x, w, needs, false);
}

/** As torch.nn.functional.conv_transpose2d. x is (N, C, H, W), w is (C, OC/groups, kH, kW). */
export function convTranspose2dForward(x: Tensor, w: Tensor, b?: Tensor | null, opts: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  const g = convTranspose2dGeometry(op, x, w, opts);
  const bias = checkBias(op, b, g.C);
  const y = empty([g.N, g.C, g.H, g.W]);
  convolveAdjoint(g, x, w, y);
  if (bias !== null) addBias(y, bias);
  return y;
}

/** The gradients of convTranspose2dForward(x, w, b, opts) given dy, the gradient of its output. */
export function convTranspose2dBackward(
  dy: Tensor, x: Tensor, w: Tensor, opts: ConvTranspose2dOptions = {}, needs: ConvNeeds = {},
): ConvGrads {
  const op = 'convTranspose2d backward';
  return gradients(op, convTranspose2dGeometry(op, x, w, opts), dy, x, w, needs, true);
}

function im2colGeometry(op: string, N: number, C: number, H: number, W: number, opts: Im2colOptions, x: Tensor): Geometry {
  const [KH, KW] = pair(op, 'kernelSize', opts.kernelSize, 1);
  const stride = pair(op, 'stride', opts.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', opts.dilation ?? 1, 1);
  const pad = sides(op, opts.padding ?? 0);
  const OH = convolvedSize(H, pad.top, pad.bottom, KH, stride[0], dilation[0]);
  const OW = convolvedSize(W, pad.left, pad.right, KW, stride[1], dilation[1]);
  checkOutputSize(op, OH, OW, x, describeGeometry(KH, KW, stride, pad, dilation));
  return { N, C, H, W, OC: C, OH, OW, KH, KW, stride, dilation, pad, groups: 1 };
}

/** torch.nn.functional.unfold: x (N, C, H, W) to columns (N, C*kH*kW, OH*OW). */
export function im2col(x: Tensor, opts: Im2colOptions): Tensor {
  const op = 'im2col';
  checkTensor(op, 'x', x, 4, '4-D (N, C, H, W)');
  const [N, C, H, W] = x.shape;
  const g = im2colGeometry(op, N, C, H, W, opts, x);
  const cols = empty([N, C * g.KH * g.KW, g.OH * g.OW]);
  lower(g, x, 0, N, cols, 'images', kernelChoice(op, opts.kernel));
  return cols;
}

/** torch.nn.functional.fold: columns (N, C*kH*kW, L) summed back into images (N, C, outputSize). */
export function col2im(cols: Tensor, outputSize: Pair, opts: Im2colOptions): Tensor {
  const op = 'col2im';
  checkTensor(op, 'cols', cols, 3, '3-D (N, C*kH*kW, L)');
  const [H, W] = pair(op, 'outputSize', outputSize, 1);
  const [KH, KW] = pair(op, 'kernelSize', opts.kernelSize, 1);
  const [N, rows] = cols.shape;
  if (rows % (KH * KW) !== 0) {
    throw new ShapeError(`${op}: cols ${formatShape(cols.shape)} must have a multiple of kH*kW = ${KH * KW} rows in dim 1`);
  }
  const g = im2colGeometry(op, N, rows / (KH * KW), H, W, opts, cols);
  checkShapeIs(op, 'cols', cols, [N, rows, g.OH * g.OW], `L = ${g.OH}x${g.OW} windows for output size ${H}x${W}`);
  const image = empty([N, g.C, H, W]);
  raise(g, cols, image, 0, N, kernelChoice(op, opts.kernel));
  return image;
}
