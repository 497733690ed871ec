// Fused scaled-dot-product attention over the wasm kernels of assembly/attention.ts:
// out = softmax(scale q k^T + mask) v per (batch, head), never holding the T x S scores.
// Heads are a batch dim. Masks: key j is visible to query i when keyPaddingMask[b, j] != 0 and,
// when causal, j <= i (PyTorch's top-left alignment for T != S). A query row that sees no key at
// all gets out = 0, lse = -Infinity and zero gradients, never NaN.
import { empty, zeros } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { engine } from '../runtime/engine.js';
import { attentionTask, type AttentionArgs, type AttentionTask, type Operand } from '../runtime/generated/kernel-args.js';
import type { Tensor } from '../tensor.js';
import { runGemm, usesBroadcastLoads, type GemmOperand } from './gemm.js';
import { contiguous } from './copy.js';
import { checkShape, checkTensor, kernelChoice, rowMajor, taskFor, type KernelChoice } from './operands.js';

export interface AttentionOptions {
  /** Query i sees keys j <= i only. Default false. */
  causal?: boolean;
  /** (B, S), int32 or float32: nonzero keeps key j for every query of batch b, 0 hides it. */
  keyPaddingMask?: Tensor | null;
  /** Multiplies q k^T. Default 1 / sqrt(D). */
  scale?: number;
  /** 'reference' materialises each score row with plain loops: the tests' yardstick. */
  kernel?: KernelChoice;
}

export interface AttentionResult {
  /** (B, H, T, Dv). */
  out: Tensor;
  /** (B, H, T): log of each row's softmax denominator (with the max folded in), for the backward. */
  lse: Tensor;
}

export interface AttentionGradients {
  dq: Tensor; // (B, H, T, D)
  dk: Tensor; // (B, H, S, D)
  dv: Tensor; // (B, H, S, Dv)
}

/** The sizes, as the kernel's argument block holds them: q (B, H, T, D), k (B, H, S, D), v (B, H, S, Dv). */
type Dims = Pick<AttentionArgs, 'B' | 'H' | 'T' | 'S' | 'D' | 'Dv'>;

/** The tensors a call handed to the kernel that must be disposed after it. */
type Temporaries = Tensor[];

function dimsOf(op: string, q: Tensor, k: Tensor, v: Tensor): Dims {
  const shapes = `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`;
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) {
    throw new ShapeError(`${op}: q, k, v must be 4-D (B, H, T, D), (B, H, S, D), (B, H, S, Dv); got ${shapes}`);
  }
  const [B, H, T, D] = q.shape;
  const S = k.shape[2];
  const Dv = v.shape[3];
  if (k.shape[0] !== B || k.shape[1] !== H || k.shape[3] !== D) {
    throw new ShapeError(`${op}: k must be (B, H, S, D) = [${B}, ${H}, S, ${D}] to match q; got ${shapes}`);
  }
  if (v.shape[0] !== B || v.shape[1] !== H || v.shape[2] !== S) {
    throw new ShapeError(`${op}: v must be (B, H, S, Dv) = [${B}, ${H}, ${S}, Dv] to match q and k; got ${shapes}`);
  }
  return { B, H, T, S, D, Dv };
}

/**
 * The kernel's view of a 4-D tensor whose rows are contiguous; anything else (or negative strides)
 * is copied to row-major first, and the copy goes on `temps`.
 */
function operand(op: string, t: Tensor, temps: Temporaries): Operand {
  const direct = (t.shape[3] <= 1 || t.strides[3] === 1) && [0, 1, 2].every((d) => t.shape[d] === 1 || t.strides[d] >= 0);
  const src = direct ? t : rowMajor(t);
  if (!direct) temps.push(src);
  // A dim of size 1 is never stepped over, whatever stride it claims.
  const stride = (d: number): number => (src.shape[d] === 1 ? 0 : src.strides[d]);
  return [src.ptr(op), stride(0), stride(1), stride(2)];
}

function options(op: string, opts: AttentionOptions, dims: Dims, temps: Temporaries) {
  const causal = opts.causal ?? false;
  if (typeof causal !== 'boolean') throw new ArgumentError(`${op}: causal must be a boolean, got ${String(causal)}`);
  const scale = opts.scale ?? (dims.D > 0 ? 1 / Math.sqrt(dims.D) : 1);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ArgumentError(`${op}: scale must be a finite number, got ${String(scale)}`);
  }
  const kernel = kernelChoice(op, opts.kernel);
  let mask = 0;
  let maskFloat = false;
  const m = opts.keyPaddingMask;
  if (m !== undefined && m !== null) {
    checkTensor(op, 'keyPaddingMask', m, ['int32', 'float32']);
    checkShape(op, 'keyPaddingMask', m, [dims.B, dims.S], '(B, S)');
    const rows = rowMajor(m);
    temps.push(rows);
    mask = rows.ptr(op);
    maskFloat = m.dtype === 'float32';
  }
  return { causal, scale, kernel, mask, maskFloat };
}

/** Where the kernels read and write. */
type Call = { dims: Dims } & Pick<AttentionArgs, 'q' | 'k' | 'v' | 'out' | 'lse' | 'mask' | 'maskFloat' | 'causal' | 'scale'>
  & Partial<Pick<AttentionArgs, 'dout' | 'dq' | 'dk' | 'dv'>>;

/** The argument block of the attention tasks for `call`, with no block of the backward's set. */
function attentionArgs(call: Call, work: number, workStride: number): AttentionArgs {
  const { B, H, T, S, D, Dv } = call.dims;
  return {
    q: call.q, k: call.k, v: call.v, out: call.out, dout: call.dout ?? NO_OPERAND,
    lse: call.lse, mask: call.mask, maskFloat: call.maskFloat,
    B, H, T, S, D, Dv, causal: call.causal, scale: call.scale, work, workStride,
    dq: call.dq ?? 0, dk: call.dk ?? 0, dv: call.dv ?? 0,
    head0: 0, heads: 0, row0: 0, rows: 0, cols: 0, scores: 0, dscores: 0, blockHead: 0, blockLd: 0, keys: 0,
    broadcastLoads: usesBroadcastLoads(),
  };
}

const NO_OPERAND: Operand = [0, 0, 0, 0];

/** Runs `task` with `scratchBytes` of scratch per thread over the threads `work` earns. */
function run(task: AttentionTask, call: Call, scratchBytes: number, work: number): void {
  const heap = engine().heap;
  const stride = Math.max(16, Math.ceil(scratchBytes / 16) * 16);
  const scratch = heap.alloc(stride * engine().threads);
  try {
    attentionTask(task, attentionArgs(call, scratch, stride), work);
  } finally {
    heap.free(scratch);
  }
}

/** How many (query, key) pairs the masks let through at most: the unit of the work estimates. */
function pairs(dims: Dims, causal: boolean): number {
  const { B, H, T, S } = dims;
  // With causal, row i sees min(S, i + 1) keys.
  const perHead = causal ? (Math.min(T, S) * (Math.min(T, S) + 1)) / 2 + Math.max(0, T - S) * S : T * S;
  return B * H * perHead;
}

/** Bytes of scratch each thread of attention_forward_task needs: a few tiles, whatever T and S. */
function forwardScratchBytes(dims: Dims): number {
  return (engine().exports.attention_forward_scratch_bytes as (D: number, Dv: number) => number)(dims.D, dims.Dv);
}

// Query rows per block of the backward, and the floats of scores (two blocks of rows x S per
// head, for as many heads as fit) it may hold at once.
const BACKWARD_BLOCK_ROWS = 128;
const BACKWARD_SCRATCH_FLOATS = 1 << 22;

/** Element offset of row `r` of head n = b * H + h of an operand. */
function rowOffset(x: Operand, H: number, n: number, r: number): number {
  return Math.floor(n / H) * x[1] + (n % H) * x[2] + r * x[3];
}

/**
 * A block of query rows of the scores and dscores of `heads` heads, in wasm memory, at element
 * strides blockHead between heads and blockLd between rows.
 */
type ScoreBlock = Pick<AttentionArgs, 'head0' | 'heads' | 'row0' | 'rows' | 'cols' | 'scores' | 'dscores' | 'blockHead' | 'blockLd'>;

/** The backward's elementwise step (assembly/attention_backward.ts) on a block, in place. */
function probabilities(base: AttentionArgs, block: ScoreBlock, kernel: KernelChoice): void {
  attentionTask(taskFor('attention_backward_probabilities', kernel), { ...base, ...block }, block.heads * block.rows * block.cols * 16);
}

export interface ProbabilityOptions {
  /** Row r of the block is query row0 + r. Default 0. */
  row0?: number;
  /** Query i sees keys j <= i only. Default false. */
  causal?: boolean;
  /** (B, S) with S >= the block's columns, int32 or float32: 0 hides key j. */
  keyPaddingMask?: Tensor | null;
  /** 'reference' runs the scalar twin: the tests' yardstick. */
  kernel?: KernelChoice;
}

/**
 * The elementwise step of attentionBackward on one block of query rows, for the tests: scores and
 * dscores (B, H, rows, cols) give p = exp(scores - lse) and ds = p (dscores - delta) with
 * delta = (p . dscores) / sum(p) per row, and p = ds = 0 where a key is hidden. lse is (B, H, T)
 * with T >= row0 + rows. Returns new tensors.
 */
export function attentionProbabilities(
  scores: Tensor, dscores: Tensor, lse: Tensor, opts: ProbabilityOptions = {},
): { p: Tensor; ds: Tensor } {
  const op = 'attentionProbabilities';
  for (const [name, t] of [['scores', scores], ['dscores', dscores], ['lse', lse]] as const) checkTensor(op, name, t);
  if (scores.ndim !== 4) throw new ShapeError(`${op}: scores must be 4-D (B, H, rows, cols), got ${formatShape(scores.shape)}`);
  const [B, H, rows, cols] = scores.shape;
  checkShape(op, 'dscores', dscores, scores.shape, '(B, H, rows, cols) as scores');
  const row0 = opts.row0 ?? 0;
  if (!Number.isInteger(row0) || row0 < 0) throw new ArgumentError(`${op}: row0 must be an integer >= 0, got ${String(row0)}`);
  if (lse.ndim !== 3 || lse.shape[0] !== B || lse.shape[1] !== H || lse.shape[2] < row0 + rows) {
    throw new ShapeError(`${op}: lse must be (B, H, T) = [${B}, ${H}, T >= ${row0 + rows}] for scores ` +
      `${formatShape(scores.shape)} at row0 ${row0}, got ${formatShape(lse.shape)}`);
  }
  const mask = opts.keyPaddingMask ?? null;
  if (mask !== null) checkTensor(op, 'keyPaddingMask', mask, ['int32', 'float32']);
  const S = mask === null ? cols : mask.ndim === 2 ? mask.shape[1] : -1;
  if (S < cols) {
    throw new ShapeError(`${op}: keyPaddingMask must be (B, S) = [${B}, S >= ${cols}], got ${formatShape(mask!.shape)}`);
  }
  const dims: Dims = { B, H, T: lse.shape[2], S, D: 0, Dv: 0 };
  const temps: Temporaries = [];
  try {
    const o = options(op, { causal: opts.causal, keyPaddingMask: mask }, dims, temps);
    const kernel = kernelChoice(op, opts.kernel);
    const lseRows = rowMajor(lse);
    temps.push(lseRows);
    const p = contiguous(scores);
    const ds = contiguous(dscores);
    const call: Call = {
      dims, q: NO_OPERAND, k: NO_OPERAND, v: NO_OPERAND, out: NO_OPERAND, lse: lseRows.ptr(op), mask: o.mask, maskFloat: o.maskFloat,
      causal: o.causal, scale: 1,
    };
    probabilities(attentionArgs(call, 0, 0), {
      head0: 0, heads: B * H, row0, rows, cols, scores: p.ptr(op), dscores: ds.ptr(op), blockHead: rows * cols, blockLd: cols,
    }, kernel);
    return { p, ds };
  } finally {
    for (const t of temps) t.dispose();
  }
}

/**
 * attentionBackward's fused path: per block of query rows, for a group of heads batched in each
 * GEMM call, the products of assembly/attention_backward.ts on the packed GEMM. The blocks run in
 * a fixed order, so dk and dv sum the same way whatever the thread count.
 */
function fusedBackward(call: Call): void {
  const { B, H, T, S, D, Dv } = call.dims;
  const heads = B * H;
  if (heads === 0 || T === 0 || S === 0) return;
  const rows = Math.min(T, BACKWARD_BLOCK_ROWS, Math.max(8, Math.floor(BACKWARD_SCRATCH_FLOATS / (2 * S))));
  const perHead = rows * S;
  const group = Math.max(1, Math.min(heads, Math.floor(BACKWARD_SCRATCH_FLOATS / (2 * perHead))));
  const heap = engine().heap;
  const scores = heap.alloc(8 * group * perHead);
  const dscores = scores + 4 * group * perHead;
  const keys = call.mask === 0 ? 0 : heap.alloc(4 * heads * S * D);
  try {
    const base = attentionArgs(call, 0, 0);
    if (keys !== 0) attentionTask('attention_backward_keys', { ...base, keys }, heads * S * D);
    const kd: Operand = keys === 0 ? call.k : [keys, H * S * D, S * D, D];
    const operands = [call.q, call.k, call.v, call.out, call.dout!, kd];
    // A group of heads spans batches only where every operand steps evenly from head to head.
    const acrossBatches = B === 1 || H === 1 || operands.every((x) => x[1] === H * x[2]);
    const headStride = (x: Operand): number => (H === 1 ? x[1] : x[2]);
    const at = (x: Operand, n: number, r: number): number => x[0] + 4 * rowOffset(x, H, n, r);
    const gemm = (a: GemmOperand, b: GemmOperand, c: GemmOperand, M: number, N: number, K: number, batch: number,
      strides: [number, number, number], alpha: number, beta: number): void => {
      runGemm({
        a, b, c, M, N, K, batch, strideA: strides[0], strideB: strides[1], strideC: strides[2],
        alpha, beta, bias: 0,
      });
    };
    const { q, k, v, dout } = { q: call.q, k: call.k, v: call.v, dout: call.dout! };
    for (let n0 = 0; n0 < heads;) {
      const g = Math.min(group, acrossBatches ? heads - n0 : H - (n0 % H));
      for (let i0 = 0; i0 < T; i0 += rows) {
        const nq = Math.min(rows, T - i0);
        const cols = call.causal ? Math.min(S, i0 + nq) : S;
        const qBlock = { ptr: at(q, n0, i0), ld: q[3], trans: false };
        const doBlock = { ptr: at(dout, n0, i0), ld: dout[3], trans: false };
        const sBlock = { ptr: scores, ld: S, trans: false };
        const dsBlock = { ptr: dscores, ld: S, trans: false };
        gemm(qBlock, { ptr: at(k, n0, 0), ld: k[3], trans: true }, sBlock, nq, cols, D, g,
          [headStride(q), headStride(k), perHead], call.scale, 0);
        gemm(doBlock, { ptr: at(v, n0, 0), ld: v[3], trans: true }, dsBlock, nq, cols, Dv, g,
          [headStride(dout), headStride(v), perHead], 1, 0);
        probabilities(base, { head0: n0, heads: g, row0: i0, rows: nq, cols, scores, dscores, blockHead: perHead, blockLd: S }, 'simd');
        gemm({ ...sBlock, trans: true }, doBlock, { ptr: call.dv! + 4 * n0 * S * Dv, ld: Dv, trans: false }, cols, Dv, nq, g,
          [perHead, headStride(dout), S * Dv], 1, 1);
        gemm(dsBlock, { ptr: at(kd, n0, 0), ld: kd[3], trans: false }, { ptr: call.dq! + 4 * (n0 * T + i0) * D, ld: D, trans: false },
          nq, D, cols, g, [perHead, headStride(kd), T * D], call.scale, 0);
        gemm({ ...dsBlock, trans: true }, qBlock, { ptr: call.dk! + 4 * n0 * S * D, ld: D, trans: false }, cols, D, nq, g,
          [perHead, headStride(q), S * D], call.scale, 1);
      }
      n0 += g;
    }
  } finally {
    heap.free(scores);
    if (keys !== 0) heap.free(keys);
  }
}

/**
 * out = softmax(scale q k^T + mask) v for q (B, H, T, D), k (B, H, S, D), v (B, H, S, Dv), with
 * the online softmax: memory linear in T. Also returns lse (B, H, T) for attentionBackward.
 */
export function attentionForward(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): AttentionResult {
  const op = 'attentionForward';
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) checkTensor(op, name, t);
  const dims = dimsOf(op, q, k, v);
  const temps: Temporaries = [];
  try {
    const o = options(op, opts, dims, temps);
    const out = empty([dims.B, dims.H, dims.T, dims.Dv]);
    const lse = empty([dims.B, dims.H, dims.T]);
    const call: Call = {
      dims, q: operand(op, q, temps), k: operand(op, k, temps), v: operand(op, v, temps),
      out: operand(op, out, temps), lse: lse.ptr(op), mask: o.mask, maskFloat: o.maskFloat, causal: o.causal,
      scale: o.scale,
    };
    const work = pairs(dims, o.causal) * (dims.D + dims.Dv + 4);
    if (o.kernel === 'simd') run('attention_forward', call, forwardScratchBytes(dims), work);
    else run('attention_forward_reference', call, 4 * dims.S, work);
    return { out, lse };
  } finally {
    for (const t of temps) t.dispose();
  }
}

/**
 * The gradients of attentionForward's out given dout (B, H, T, Dv), from the same q, k, v and
 * options and the out and lse it returned. Scores are recomputed block by block from lse.
 */
export function attentionBackward(
  dout: Tensor, q: Tensor, k: Tensor, v: Tensor, out: Tensor, lse: Tensor, opts: AttentionOptions = {},
): AttentionGradients {
  const op = 'attentionBackward';
  for (const [name, t] of [['dout', dout], ['q', q], ['k', k], ['v', v], ['out', out], ['lse', lse]] as const) {
    checkTensor(op, name, t);
  }
  const dims = dimsOf(op, q, k, v);
  const { B, H, T, S, D, Dv } = dims;
  checkShape(op, 'dout', dout, [B, H, T, Dv], '(B, H, T, Dv)');
  checkShape(op, 'out', out, [B, H, T, Dv], '(B, H, T, Dv)');
  checkShape(op, 'lse', lse, [B, H, T], '(B, H, T)');
  const temps: Temporaries = [];
  try {
    const o = options(op, opts, dims, temps);
    const lseRows = rowMajor(lse);
    temps.push(lseRows);
    // The fused path accumulates dk and dv from zero, and leaves dq alone when there is no key.
    const grads = { dq: S === 0 ? zeros([B, H, T, D]) : empty([B, H, T, D]), dk: zeros([B, H, S, D]), dv: zeros([B, H, S, Dv]) };
    const call: Call = {
      dims, q: operand(op, q, temps), k: operand(op, k, temps), v: operand(op, v, temps),
      out: operand(op, out, temps), dout: operand(op, dout, temps), lse: lseRows.ptr(op),
      mask: o.mask, maskFloat: o.maskFloat, causal: o.causal, scale: o.scale,
      dq: grads.dq.ptr(op), dk: grads.dk.ptr(op), dv: grads.dv.ptr(op),
    };
    if (o.kernel === 'simd') fusedBackward(call);
    else run('attention_backward_reference', call, 8 * S, pairs(dims, o.causal) * (2 * D + 2 * Dv + 4));
    return grads;
  } finally {
    for (const t of temps) t.dispose();
  }
}
