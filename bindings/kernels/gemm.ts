// Matrix products over the wasm GEMM (assembly/gemm.ts): `gemm` for BLAS-style 2-D calls with a
// fused bias, `matmul` with NumPy/PyTorch rules (vectors, broadcast batch dims).
import { empty } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { engine, type Engine } from '../runtime/engine.js';
import { gemmTask } from '../runtime/generated/kernel-args.js';
import { runtimeName } from '../runtime/platform.js';
import type { Tensor } from '../tensor.js';
import { kernelChoice, taskFor, type KernelChoice } from './operands.js';

export interface GemmOptions {
  /** (M, K), or (K, M) with transA. */
  a: Tensor;
  /** (K, N), or (N, K) with transB. */
  b: Tensor;
  /** (M, N): scaled by beta and overwritten. Without it, a new tensor is returned (beta must then be 0). */
  c?: Tensor;
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0; with 0, c's old contents are never read (they may be NaN). */
  beta?: number;
  /** (N): added to every row after alpha and beta. */
  bias?: Tensor;
  /** 'reference' runs the plain scalar triple loop: the tests' yardstick, not for real use. */
  kernel?: KernelChoice;
}

const GEMM_OPTIONS: readonly string[] = ['a', 'b', 'c', 'transA', 'transB', 'alpha', 'beta', 'bias', 'kernel'];

/** A matrix in wasm memory as the kernel reads it: row-major at row stride `ld`, maybe transposed. */
export interface GemmOperand {
  ptr: number;
  ld: number;
  trans: boolean;
}

/** One kernel call: `batch` products whose operands advance by the given element strides. */
export interface GemmCall {
  a: GemmOperand;
  b: GemmOperand;
  c: GemmOperand;
  M: number;
  N: number;
  K: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  alpha: number;
  beta: number;
  bias: number;
}

/**
 * Multiply-adds of the register-blocked SIMD GEMM per unit of dispatch work (dispatch.ts): it runs
 * about 7 times as many per microsecond as a streaming elementwise kernel runs elements (measured:
 * 64x64x64 and 128^3 products against relu over 4096 and 16384 floats, one thread). Counting raw
 * multiply-adds woke a second thread for products of a few microseconds, which the wake-up outweighs.
 */
const GEMM_MACS_PER_WORK = 7;

/**
 * Whether the micro-kernel splats A by broadcast loads (assembly/gemm_kernel.ts): measured faster
 * in Node, slower in Deno and Bun, which bounds-check each load in software. Either way gives the
 * same bits.
 */
let broadcastLoads = runtimeName === 'node';

/** Whether the micro-kernel splats A by broadcast loads: attention's tiles run on it too. */
export function usesBroadcastLoads(): boolean {
  return broadcastLoads;
}

/** Sets how the micro-kernel splats A (the tests run both ways in one runtime); returns the old setting. */
export function setBroadcastLoads(on: boolean): boolean {
  const old = broadcastLoads;
  broadcastLoads = on;
  return old;
}

// Packing space for every thread, kept between calls and grown when the engine has more threads.
let workspace: { engine: Engine; ptr: number; bytes: number } | null = null;

function workspaceFor(e: Engine): { ptr: number; stride: number } {
  const stride = (e.exports.GEMM_WORKSPACE_BYTES as WebAssembly.Global).value as number;
  const bytes = stride * e.threads;
  if (workspace === null || workspace.engine !== e || workspace.bytes < bytes) {
    if (workspace !== null && workspace.engine === e) e.heap.free(workspace.ptr);
    workspace = { engine: e, ptr: e.heap.alloc(bytes), bytes };
  }
  return { ptr: workspace.ptr, stride };
}

/**
 * One kernel call on raw operands, for kernels that lay out their own matrices (convolution): the
 * caller vouches for the pointers, sizes and strides.
 */
export function runGemm(call: GemmCall, kernel: KernelChoice = 'simd'): void {
  if (call.M === 0 || call.N === 0 || call.batch === 0) return;
  const ws = workspaceFor(engine());
  gemmTask(taskFor('gemm', kernel), {
    a: call.a.ptr, b: call.b.ptr, c: call.c.ptr, M: call.M, N: call.N, K: call.K,
    lda: call.a.ld, ldb: call.b.ld, ldc: call.c.ld, transA: call.a.trans, transB: call.b.trans,
    alpha: call.alpha, beta: call.beta, bias: call.bias,
    batch: call.batch, strideA: call.strideA, strideB: call.strideB, strideC: call.strideC,
    workspace: ws.ptr, workspaceStride: ws.stride, broadcastLoads,
  }, (call.batch * call.M * call.N * Math.max(call.K, 1)) / GEMM_MACS_PER_WORK);
}

function checkFloat32(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${op}: ${name} must be float32, got ${t.dtype} (shape ${formatShape(t.shape)})`);
  }
  t.assertAlive(op);
}

/**
 * How the kernel can read the (rows, cols) matrix at element strides (s0, s1) from `ptr`: row-major
 * when columns are adjacent, transposed when rows are; other layouts (overlapping or broadcast
 * rows) it cannot read.
 */
function operand(op: string, name: string, t: Tensor, ptr: number, rows: number, cols: number, s0: number, s1: number): GemmOperand {
  if ((cols <= 1 || s1 === 1) && (rows <= 1 || s0 >= cols)) {
    return { ptr, ld: rows <= 1 ? Math.max(cols, 1) : s0, trans: false };
  }
  if ((rows <= 1 || s0 === 1) && (cols <= 1 || s1 >= rows)) {
    return { ptr, ld: cols <= 1 ? Math.max(rows, 1) : s1, trans: true };
  }
  throw new ShapeError(
    `${op}: ${name} of shape ${formatShape(t.shape)} has strides ${formatShape(t.strides)}, which are neither ` +
      'row- nor column-major for its last two dims; make it contiguous first',
  );
}

function matrixOperand(op: string, name: string, t: Tensor): GemmOperand {
  const [s0, s1] = t.strides;
  return operand(op, name, t, t.ptr(op), t.shape[0], t.shape[1], s0, s1);
}

function flipped(x: GemmOperand, trans: boolean): GemmOperand {
  return { ...x, trans: x.trans !== trans };
}

function numberOption(op: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ArgumentError(`${op}: ${name} must be a number, got ${String(value)}`);
  }
  return value;
}

function checkMatrix(op: string, name: string, t: Tensor | undefined): Tensor {
  if (t === undefined || t === null || typeof (t as Tensor).shape !== 'object') {
    throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
  }
  checkFloat32(op, name, t);
  if (t.ndim !== 2) throw new ShapeError(`${op}: ${name} must be 2-D, got shape ${formatShape(t.shape)}`);
  return t;
}

/** C = alpha * op(A) op(B) + beta * C + bias on 2-D float32 tensors; returns C. */
export function gemm(opts: GemmOptions): Tensor {
  const op = 'gemm';
  const unknown = Object.keys(opts).filter((k) => !GEMM_OPTIONS.includes(k));
  if (unknown.length > 0) {
    throw new ArgumentError(`${op}: unknown option ${unknown.join(', ')}; expected ${GEMM_OPTIONS.join(', ')}`);
  }
  const a = checkMatrix(op, 'a', opts.a);
  const b = checkMatrix(op, 'b', opts.b);
  const transA = opts.transA === true;
  const transB = opts.transB === true;
  const [M, K] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [KB, N] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  // A function: only error messages need the text, and formatting it on every call costs.
  const describe = () => `a ${formatShape(a.shape)}${transA ? ' (transposed)' : ''} and b ${formatShape(b.shape)}${transB ? ' (transposed)' : ''}`;
  if (K !== KB) {
    throw new ShapeError(`${op}: inner dimensions differ for ${describe()}: op(a) is ${M}x${K}, op(b) is ${KB}x${N}`);
  }
  const alpha = numberOption(op, 'alpha', opts.alpha, 1);
  const beta = numberOption(op, 'beta', opts.beta, 0);
  const kernel = kernelChoice(op, opts.kernel);
  let bias = 0;
  if (opts.bias !== undefined) {
    const t = opts.bias;
    checkFloat32(op, 'bias', t);
    if (t.ndim !== 1 || t.shape[0] !== N || (N > 1 && t.strides[0] !== 1)) {
      throw new ShapeError(
        `${op}: bias must be a contiguous vector of length N = ${N} for ${describe()}, got shape ${formatShape(t.shape)}`,
      );
    }
    bias = t.ptr(op);
  }
  let c: Tensor;
  if (opts.c === undefined) {
    if (beta !== 0) throw new ArgumentError(`${op}: beta = ${beta} needs a c to scale; pass c or leave beta at 0`);
    c = empty([M, N]);
  } else {
    c = checkMatrix(op, 'c', opts.c);
    if (c.shape[0] !== M || c.shape[1] !== N) {
      throw new ShapeError(`${op}: c must have shape [${M}, ${N}] for ${describe()}, got ${formatShape(c.shape)}`);
    }
    if (c.storage === a.storage || c.storage === b.storage) {
      throw new ArgumentError(`${op}: c shares memory with ${c.storage === a.storage ? 'a' : 'b'}; the output must not alias an input`);
    }
  }
  const cOperand = matrixOperand(op, 'c', c);
  if (cOperand.trans && M > 1 && N > 1) {
    throw new ShapeError(`${op}: c of shape ${formatShape(c.shape)} has strides ${formatShape(c.strides)}; it must be row-major`);
  }
  runGemm(
    {
      a: flipped(matrixOperand(op, 'a', a), transA),
      b: flipped(matrixOperand(op, 'b', b), transB),
      c: { ...cOperand, trans: false },
      M, N, K, batch: 1, strideA: 0, strideB: 0, strideC: 0,
      alpha, beta, bias,
    },
    kernel,
  );
  return c;
}

/** The batch shape both batch shapes broadcast to, or a ShapeError. */
function broadcastBatch(op: string, a: Tensor, b: Tensor, batchA: readonly number[], batchB: readonly number[]): number[] {
  const n = Math.max(batchA.length, batchB.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = batchA[batchA.length - n + i] ?? 1;
    const db = batchB[batchB.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: batch dims of a ${formatShape(a.shape)} and b ${formatShape(b.shape)} do not broadcast ` +
          `(${formatShape(batchA)} vs ${formatShape(batchB)})`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** An input's element stride along each output batch dim: 0 where it is broadcast. */
function batchStrides(t: Tensor, batchDims: number, outBatch: readonly number[]): number[] {
  const lead = outBatch.length - batchDims;
  return outBatch.map((_, i) => {
    const d = i - lead;
    return d < 0 || t.shape[d] === 1 ? 0 : t.strides[d];
  });
}

/**
 * Matrix product with NumPy/PyTorch rules: 1-D a is a row vector and 1-D b a column vector (the
 * added dim is dropped from the result), dims before the last two are batch dims that broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const op = 'matmul';
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t === undefined || t === null || typeof (t as Tensor).shape !== 'object') {
      throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
    }
    checkFloat32(op, name, t);
    if (t.ndim === 0) throw new ShapeError(`${op}: ${name} must have at least 1 dim, got a scalar (shape [])`);
  }
  const aVector = a.ndim === 1;
  const bVector = b.ndim === 1;
  const M = aVector ? 1 : a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const KB = bVector ? b.shape[0] : b.shape[b.ndim - 2];
  const N = bVector ? 1 : b.shape[b.ndim - 1];
  if (K !== KB) {
    throw new ShapeError(
      `${op}: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} do not chain: a's last dim is ${K} but ` +
        `b's ${bVector ? 'length' : 'second-to-last dim'} is ${KB}`,
    );
  }
  const batchA = aVector ? [] : a.shape.slice(0, -2);
  const batchB = bVector ? [] : b.shape.slice(0, -2);
  const outBatch = broadcastBatch(op, a, b, batchA, batchB);
  const out = empty([...outBatch, ...(aVector ? [] : [M]), ...(bVector ? [] : [N])]);

  const sa = a.strides;
  const sb = b.strides;
  const aOp = aVector
    ? operand(op, 'a', a, a.ptr(op), 1, K, K * sa[0], sa[0])
    : operand(op, 'a', a, a.ptr(op), M, K, sa[a.ndim - 2], sa[a.ndim - 1]);
  const bOp = bVector
    ? operand(op, 'b', b, b.ptr(op), K, 1, sb[0], 1)
    : operand(op, 'b', b, b.ptr(op), K, N, sb[b.ndim - 2], sb[b.ndim - 1]);

  // Merge batch dims that walk memory evenly in all three tensors; the innermost merged dim is
  // the kernel's batch and the rest are looped here.
  const dims = outBatch.map((size, i) => ({
    size,
    a: batchStrides(a, batchA.length, outBatch)[i],
    b: batchStrides(b, batchB.length, outBatch)[i],
    c: 0,
  }));
  let cStride = M * N;
  for (let i = dims.length - 1; i >= 0; i--) {
    dims[i].c = cStride;
    cStride *= dims[i].size;
  }
  const merged: typeof dims = [];
  for (const d of dims) {
    if (d.size === 1) continue;
    const last = merged[merged.length - 1];
    if (last !== undefined && last.a === d.a * d.size && last.b === d.b * d.size && last.c === d.c * d.size) {
      merged[merged.length - 1] = { size: last.size * d.size, a: d.a, b: d.b, c: d.c };
    } else {
      merged.push({ ...d });
    }
  }
  const inner = merged.pop() ?? { size: 1, a: 0, b: 0, c: 0 };
  const outer = merged;
  const outerCount = outer.reduce((n, d) => n * d.size, 1);
  const index = new Array<number>(outer.length).fill(0);
  const cPtr = out.ptr(op);
  for (let n = 0; n < outerCount; n++) {
    let offA = 0;
    let offB = 0;
    let offC = 0;
    outer.forEach((d, i) => {
      offA += index[i] * d.a;
      offB += index[i] * d.b;
      offC += index[i] * d.c;
    });
    runGemm(
      {
        a: { ...aOp, ptr: aOp.ptr + 4 * offA },
        b: { ...bOp, ptr: bOp.ptr + 4 * offB },
        c: { ptr: cPtr + 4 * offC, ld: N, trans: false },
        M, N, K, batch: inner.size, strideA: inner.a, strideB: inner.b, strideC: inner.c,
        alpha: 1, beta: 0, bias: 0,
      },
      'simd',
    );
    for (let d = outer.length - 1; d >= 0 && ++index[d] === outer[d].size; d--) index[d] = 0;
  }
  return out;
}
