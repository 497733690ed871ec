// A whole LSTM layer over a sequence, forward and backward through time, with PyTorch's
// semantics and gate order (i, f, g, o). The matrix work is GEMMs (gemm.ts): one for the input
// projection of every step at once, one per step for the recurrence, and after the backward loop
// one each for dx and the weight gradients over all T*B rows, so their sums run in a fixed order.
// The gate nonlinearities and the cell update are one fused kernel per step (assembly/lstm.ts).
import { empty, ones, tensor, zeros } from '../creation.js';
import { formatShape, ShapeError } from '../errors.js';
import { lstmCellBackwardTask, lstmCellForwardTask } from '../runtime/generated/kernel-args.js';
import { engine } from '../runtime/engine.js';
import type { Tensor } from '../tensor.js';
import { gemm } from './gemm.js';
import { checkShape, checkTensor, kernelChoice, rawView, adoptAs, rowMajor, taskFor, type KernelChoice } from './operands.js';

export interface LstmOptions {
  /** 'reference' runs the scalar cell kernels and the reference GEMM: the tests' yardstick. */
  kernel?: KernelChoice;
}

/** What lstmBackward needs from the forward. Holds its own references; dispose() when done. */
export interface LstmSaved {
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly kernel: KernelChoice;
  /** (T*B, I): the input. */
  readonly x: Tensor;
  /** (4H, I) and (4H, H): the weights the forward used. */
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  /** (T, B, 4H): the gate activations i, f, g, o of every step. */
  readonly gates: Tensor;
  /** (T+1, B, H): c0, then the cell state after each step. */
  readonly cells: Tensor;
  /** (T+1, B, H): h0, then the hidden state after each step (y is a view of rows 1..T). */
  readonly hiddens: Tensor;
  dispose(): void;
}

export interface LstmForwardResult {
  /** (T, B, H): h of every step; a view sharing memory with saved.hiddens. */
  y: Tensor;
  /** (B, H): the last hidden and cell states; views into saved.hiddens and saved.cells. */
  hn: Tensor;
  cn: Tensor;
  saved: LstmSaved;
}

export interface LstmGradients {
  dx: Tensor; // (T, B, I)
  dh0: Tensor; // (B, H)
  dc0: Tensor; // (B, H)
  dWih: Tensor; // (4H, I)
  dWhh: Tensor; // (4H, H)
  dbIh: Tensor; // (4H)
  dbHh: Tensor; // (4H)
}

// Rough multiply-adds per element of a fused cell step: five exp-based nonlinearities and the update.
const CELL_WORK = 40;

/** Copies a (B, H) state into row 0 of `states` (T+1, B, H), or zeros when it is absent. */
function writeInitialState(states: Tensor, state: Tensor | null, count: number): void {
  const heap = engine().heap;
  const at = states.ptr() >> 2;
  if (state === null) heap.f32.fill(0, at, at + count);
  else heap.f32.set(state.toArray(), at);
}

/** A row-major copy of the transpose of the 2-D `m`. */
function transposed(m: Tensor): Tensor {
  const [rows, cols] = m.shape;
  const src = m.toArray();
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return tensor(out, [cols, rows]);
}

/** b_ih + b_hh in float32, either of them possibly absent; null when both are. */
function combinedBias(bIh: Tensor | null, bHh: Tensor | null): Tensor | null {
  if (bIh === null && bHh === null) return null;
  if (bIh === null || bHh === null) return rowMajor((bIh ?? bHh) as Tensor);
  const a = bIh.toArray();
  const b = bHh.toArray();
  const sum = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) sum[i] = a[i] + b[i];
  return tensor(sum, [a.length]);
}

function optionalState(op: string, name: string, t: Tensor | null | undefined, B: number, H: number): Tensor | null {
  if (t === null || t === undefined) return null;
  checkShape(op, name, checkTensor(op, name, t), [B, H], '(B, H)');
  return t;
}

/**
 * Runs an LSTM layer over x (T, B, I) from the states h0, c0 (B, H) (null for zeros), with
 * weights W_ih (4H, I), W_hh (4H, H) and biases b_ih, b_hh (4H) (null for none).
 */
export function lstmForward(
  x: Tensor, h0: Tensor | null, c0: Tensor | null, wIh: Tensor, wHh: Tensor,
  bIh: Tensor | null, bHh: Tensor | null, opts: LstmOptions = {},
): LstmForwardResult {
  const op = 'lstmForward';
  const kernel = kernelChoice(op, opts.kernel);
  checkTensor(op, 'x', x);
  if (x.ndim !== 3) throw new ShapeError(`${op}: x must be (T, B, I), got shape ${formatShape(x.shape)}`);
  const [T, B, I] = x.shape;
  if (T === 0) throw new ShapeError(`${op}: x must have at least one time step, got shape ${formatShape(x.shape)}`);
  checkTensor(op, 'wHh', wHh);
  if (wHh.ndim !== 2 || wHh.shape[0] % 4 !== 0 || wHh.shape[1] * 4 !== wHh.shape[0]) {
    throw new ShapeError(`${op}: wHh must be (4H, H), got shape ${formatShape(wHh.shape)}`);
  }
  const H = wHh.shape[1];
  checkShape(op, 'wIh', checkTensor(op, 'wIh', wIh), [4 * H, I], `(4H, I) for x ${formatShape(x.shape)} and H = ${H}`);
  for (const [name, b] of [['bIh', bIh], ['bHh', bHh]] as const) {
    if (b !== null && b !== undefined) checkShape(op, name, checkTensor(op, name, b), [4 * H], `(4H) for H = ${H}`);
  }
  const h0t = optionalState(op, 'h0', h0, B, H);
  const c0t = optionalState(op, 'c0', c0, B, H);

  const x2 = rowMajor(x, [T * B, I]);
  const bias = combinedBias(bIh ?? null, bHh ?? null);
  const gates = gemm({ a: x2, b: wIh, transB: true, ...(bias === null ? {} : { bias }), kernel });
  bias?.dispose();
  const hiddens = empty([T + 1, B, H]);
  const cells = empty([T + 1, B, H]);
  writeInitialState(hiddens, h0t, B * H);
  writeInitialState(cells, c0t, B * H);

  const cellTask = taskFor('lstm_cell_forward', kernel);
  const state = B * H;
  // The GEMM repacks its B operand on every call, and reads a row-major one with vector loads:
  // transposing W_hh once beats packing it transposed T times.
  const wHhT = transposed(wHh);
  for (let t = 0; t < T; t++) {
    const hPrev = rawView(hiddens, [B, H], t * state);
    const g = rawView(gates, [B, 4 * H], t * 4 * state);
    gemm({ a: hPrev, b: wHhT, c: g, beta: 1, kernel });
    lstmCellForwardTask(cellTask, {
      gates: g.ptr(op), cPrev: cells.ptr(op) + 4 * t * state, c: cells.ptr(op) + 4 * (t + 1) * state,
      h: hiddens.ptr(op) + 4 * (t + 1) * state, B, H,
    }, state * CELL_WORK);
    hPrev.dispose();
    g.dispose();
  }
  wHhT.dispose();

  const held = { x: x2, wIh: wIh.alias(), wHh: wHh.alias(), gates: adoptAs(gates, [T, B, 4 * H]), cells, hiddens };
  const saved: LstmSaved = {
    T, B, I, H, kernel, ...held,
    dispose() {
      for (const t of Object.values(held)) t.dispose();
    },
  };
  return {
    y: rawView(hiddens, [T, B, H], state),
    hn: rawView(hiddens, [B, H], T * state),
    cn: rawView(cells, [B, H], T * state),
    saved,
  };
}

/**
 * Backpropagates through the whole sequence from dy (T, B, H) and the gradients on the final
 * states dhn, dcn (B, H); any of them may be null for zeros.
 */
export function lstmBackward(
  dy: Tensor | null, dhn: Tensor | null, dcn: Tensor | null, saved: LstmSaved,
): LstmGradients {
  const op = 'lstmBackward';
  const { T, B, I, H } = saved;
  for (const t of [saved.x, saved.gates, saved.cells, saved.hiddens]) t.assertAlive(`${op} (saved state, already disposed?)`);
  if (dy !== null && dy !== undefined) checkShape(op, 'dy', checkTensor(op, 'dy', dy), [T, B, H], '(T, B, H)');
  const dhnT = optionalState(op, 'dhn', dhn, B, H);
  const dcnT = optionalState(op, 'dcn', dcn, B, H);
  const { kernel } = saved;
  const cellTask = taskFor('lstm_cell_backward', kernel);

  const dyRows = dy === null || dy === undefined ? null : rowMajor(dy);
  const dhnRows = dhnT === null ? null : rowMajor(dhnT);
  // The kernel updates dc in place, step by step, and it ends as dc0: never the caller's dcn.
  const dc = dcnT === null ? zeros([B, H]) : tensor(dcnT.toArray(), [B, H]);
  const dgates = empty([T * B, 4 * H]);
  const dhPrev = empty([B, H]);
  const state = B * H;
  for (let t = T - 1; t >= 0; t--) {
    const dhNext = t === T - 1 ? (dhnRows === null ? 0 : dhnRows.ptr(op)) : dhPrev.ptr(op);
    lstmCellBackwardTask(cellTask, {
      acts: saved.gates.ptr(op) + 16 * t * state, cPrev: saved.cells.ptr(op) + 4 * t * state,
      c: saved.cells.ptr(op) + 4 * (t + 1) * state, dy: dyRows === null ? 0 : dyRows.ptr(op) + 4 * t * state,
      dhNext, dc: dc.ptr(op), dgates: dgates.ptr(op) + 16 * t * state, B, H,
    }, state * CELL_WORK);
    const dg = rawView(dgates, [B, 4 * H], t * 4 * state);
    gemm({ a: dg, b: saved.wHh, c: dhPrev, kernel });
    dg.dispose();
  }
  dyRows?.dispose();
  dhnRows?.dispose();

  const hPrevAll = rawView(saved.hiddens, [T * B, H], 0);
  const ones1 = ones([1, T * B]);
  const grads: LstmGradients = {
    dx: adoptAs(gemm({ a: dgates, b: saved.wIh, kernel }), [T, B, I]),
    dh0: dhPrev,
    dc0: dc,
    dWih: gemm({ a: dgates, b: saved.x, transA: true, kernel }),
    dWhh: gemm({ a: dgates, b: hPrevAll, transA: true, kernel }),
    dbIh: adoptAs(gemm({ a: ones1, b: dgates, kernel }), [4 * H]),
    dbHh: adoptAs(gemm({ a: ones1, b: dgates, kernel }), [4 * H]),
  };
  hPrevAll.dispose();
  ones1.dispose();
  dgates.dispose();
  return grads;
}
