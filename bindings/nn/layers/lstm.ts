// Recurrent layers with torch.nn's semantics, parameter names (so PyTorch state dicts load),
// gate order (i, f, g, o) and initialisation: every weight and bias uniform in ±1/sqrt(hidden).
import { Module } from '../module.js';
import { dropout } from './dropout.js';
import { addGateParameters, RecurrentCell, type CellOptions, type GateParameters } from './recurrent.js';
import { zeros } from '../../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { lstm, lstmCell } from '../../ops/lstm.js';
import { stack } from '../../ops/join.js';
import { narrow, reshape, transpose } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';

export interface LSTMOptions {
  numLayers?: number;
  bias?: boolean;
  /** x and output are (B, T, features) instead of (T, B, features). The states stay (layers, B, H). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  seed?: number;
}

export interface LSTMState {
  /** (numLayers, B, H) each. */
  h0: Tensor;
  c0: Tensor;
}

export interface LSTMOutput {
  /** (T, B, H), or (B, T, H) with batchFirst: the last layer's hidden state at every step. */
  output: Tensor;
  /** (numLayers, B, H): each layer's hidden and cell state after the last step. */
  hn: Tensor;
  cn: Tensor;
}

/**
 * A stack of LSTM layers, as torch.nn.LSTM (unidirectional). Each layer runs the fused sequence
 * op; forward returns { output, hn, cn }.
 */
export class LSTM extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  /** Per layer: [weight_ih, weight_hh, bias_ih, bias_hh] (no biases with bias: false). */
  readonly layers: GateParameters[] = [];

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: LSTMOptions = {}) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) {
      throw new ArgumentError(`LSTM: numLayers must be a whole number >= 1, got ${this.numLayers}`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError(`LSTM: dropout must be in [0, 1), got ${this.dropout}`);
    for (let l = 0; l < this.numLayers; l++) {
      const seed = opts.seed === undefined ? undefined : opts.seed + 4 * l;
      this.layers.push(addGateParameters('LSTM', 4, (n, t) => this.addParameter(n, t), `_l${l}`, l === 0 ? inputSize : hiddenSize,
        hiddenSize, opts.bias ?? true, seed));
    }
  }

  forward(x: Tensor, state?: LSTMState): LSTMOutput {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? '(B, T, inputSize)' : '(T, B, inputSize)';
      throw new ShapeError(`LSTM: x must be ${layout} with inputSize ${this.inputSize}, got ${formatShape(x.shape)}`);
    }
    const B = this.batchFirst ? x.shape[0] : x.shape[1];
    const H = this.hiddenSize;
    if (state !== undefined) {
      for (const [name, t] of [['h0', state.h0], ['c0', state.c0]] as const) {
        if (t === undefined || t.ndim !== 3 || t.shape[0] !== this.numLayers || t.shape[1] !== B || t.shape[2] !== H) {
          throw new ShapeError(
            `LSTM: ${name} must be (numLayers, B, H) = [${this.numLayers}, ${B}, ${H}], got ${t === undefined ? 'nothing' : formatShape(t.shape)}`,
          );
        }
      }
    }
    let seq = this.batchFirst ? transpose(x, 0, 1) : x;
    const hn: Tensor[] = [];
    const cn: Tensor[] = [];
    this.layers.forEach(([wIh, wHh, bIh, bHh], l) => {
      const initial = (t: Tensor | undefined): Tensor | null => (t === undefined ? null : reshape(narrow(t, 0, l, 1), [B, H]));
      const r = lstm(seq, initial(state?.h0), initial(state?.c0), wIh, wHh, bIh, bHh);
      const last = l === this.numLayers - 1;
      seq = last ? r.y : dropout(r.y, this.dropout, this.training);
      hn.push(r.hn);
      cn.push(r.cn);
    });
    return { output: this.batchFirst ? transpose(seq, 0, 1) : seq, hn: stack(hn, 0), cn: stack(cn, 0) };
  }
}

export interface LSTMCellState {
  /** (B, H) each. */
  h: Tensor;
  c: Tensor;
}

/** One LSTM step, as torch.nn.LSTMCell: forward(x (B, I), {h, c}) -> {h, c}; no state means zeros. */
export class LSTMCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, state?: LSTMCellState): LSTMCellState {
    this.checkInput(x);
    const h = state?.h ?? zeros([x.shape[0], this.hiddenSize]);
    const c = state?.c ?? zeros([x.shape[0], this.hiddenSize]);
    return lstmCell(x, h, c, this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}
