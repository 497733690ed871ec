// Fused scaled-dot-product attention over the wasm kernels of assembly/attention.ts:
// out = softmax(scale q k^T + mask) v per (batch, head), never holding the T x S scores.
// Heads are a batch dim. Masks: key j is visible to query i when keyPaddingMask[b, j] != 0 and,
// when causal, j <= i (PyTorch's top-left alignment for T != S). A query row that sees no key at
// all gets out = 0, lse = -Infinity and zero gradients, never NaN.
import { empty } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { dispatch } from '../runtime/dispatch.js';
import { engine, f32, type F32 } from '../runtime/engine.js';
import type { Tensor } from '../tensor.js';
import { checkShape, checkTensor, rowMajor } from './operands.js';

export interface AttentionOptions {
  /** Query i sees keys j <= i only. Default false. */
  causal?: boolean;
  /** (B, S), int32 or float32: nonzero keeps key j for every query of batch b, 0 hides it. */
  keyPaddingMask?: Tensor | null;
  /** Multiplies q k^T. Default 1 / sqrt(D). */
  scale?: number;
  /** 'reference' materialises each score row with plain loops: the tests' yardstick. */
  kernel?: 'fused' | 'reference';
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

interface Dims {
  B: number;
  H: number;
  T: number;
  S: number;
  D: number;
  Dv: number;
}

/** A 4-D operand as the kernels read it: [ptr, stride over B, over H, over rows], in elements. */
type Operand = [number, number, number, number];

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
  const kernel = opts.kernel ?? 'fused';
  if (kernel !== 'fused' && kernel !== 'reference') {
    throw new ArgumentError(`${op}: kernel must be 'fused' or 'reference', got ${String(kernel)}`);
  }
  let mask = 0;
  let maskFloat = 0;
  const m = opts.keyPaddingMask;
  if (m !== undefined && m !== null) {
    checkTensor(op, 'keyPaddingMask', m, ['int32', 'float32']);
    checkShape(op, 'keyPaddingMask', m, [dims.B, dims.S], '(B, S)');
    const rows = rowMajor(m);
    temps.push(rows);
    mask = rows.ptr(op);
    maskFloat = m.dtype === 'float32' ? 1 : 0;
  }
  return { causal, scale, kernel, mask, maskFloat };
}

/** Where the kernels read and write: see assembly/attention_args.ts for the word order. */
interface Call {
  dims: Dims;
  q: Operand;
  k: Operand;
  v: Operand;
  out: Operand;
  dout?: Operand;
  lse: number;
  delta?: number;
  mask: number;
  maskFloat: number;
  causal: boolean;
  scale: number;
  dq?: number;
  dk?: number;
  dv?: number;
}

/** Runs `task` with `scratchBytes` of scratch per thread over the threads `work` earns. */
function run(task: string, call: Call, scratchBytes: number, work: number): void {
  const heap = engine().heap;
  const stride = Math.max(16, Math.ceil(scratchBytes / 16) * 16);
  const scratch = heap.alloc(stride * engine().threads);
  const { B, H, T, S, D, Dv } = call.dims;
  const none: Operand = [0, 0, 0, 0];
  const words: (number | F32)[] = [
    ...call.q, ...call.k, ...call.v, ...call.out, ...(call.dout ?? none),
    call.lse, call.delta ?? 0, call.mask, call.maskFloat,
    B, H, T, S, D, Dv, call.causal ? 1 : 0, f32(call.scale), scratch, stride,
    call.dq ?? 0, call.dk ?? 0, call.dv ?? 0,
  ];
  try {
    dispatch(task, words, work);
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

function workspaceBytes(): number {
  return (engine().exports.ATTENTION_WORKSPACE_BYTES as WebAssembly.Global).value as number;
}

function backwardWorkspaceBytes({ D, Dv }: Dims): number {
  return (engine().exports.attention_backward_workspace_bytes as (D: number, Dv: number) => number)(D, Dv);
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
    if (o.kernel === 'fused') run('attention_forward', call, workspaceBytes(), work);
    else run('attention_forward_reference', call, 4 * dims.S, work);
    return { out, lse };
  } finally {
    for (const t of temps) t.dispose();
  }
}

/**
 * The gradients of attentionForward's out given dout (B, H, T, Dv), from the same q, k, v and
 * options and the out and lse it returned. Scores are recomputed tile by tile from lse.
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
    const delta = empty([B, H, T]);
    temps.push(delta);
    const grads = { dq: empty([B, H, T, D]), dk: empty([B, H, S, D]), dv: empty([B, H, S, Dv]) };
    const call: Call = {
      dims, q: operand(op, q, temps), k: operand(op, k, temps), v: operand(op, v, temps),
      out: operand(op, out, temps), dout: operand(op, dout, temps), lse: lseRows.ptr(op), delta: delta.ptr(op),
      mask: o.mask, maskFloat: o.maskFloat, causal: o.causal, scale: o.scale,
      dq: grads.dq.ptr(op), dk: grads.dk.ptr(op), dv: grads.dv.ptr(op),
    };
    const n = pairs(dims, o.causal);
    if (o.kernel === 'fused') {
      run('attention_backward_dq', call, backwardWorkspaceBytes(dims), n * (2 * D + Dv + 4));
      run('attention_backward_dkdv', call, backwardWorkspaceBytes(dims), n * (2 * D + 2 * Dv + 4));
    } else {
      run('attention_backward_reference', call, 8 * S, n * (2 * D + 2 * Dv + 4));
    }
    return grads;
  } finally {
    for (const t of temps) t.dispose();
  }
}
