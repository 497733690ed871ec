// torch.nn.LSTM and LSTMCell: PyTorch's parameter names (so its state dicts load), gate order
// (i, f, g, o) and initialisation (recurrent.ts). Each LSTM layer is one fused sequence op.
import { RecurrentCell, RecurrentStack, type CellOptions, type RecurrentOptions } from './recurrent.js';
import { zeros } from '../../creation.js';
import { lstm, lstmCell } from '../../ops/lstm.js';
import { stack } from '../../ops/join.js';
import type { Tensor } from '../../tensor.js';

export type LSTMOptions = RecurrentOptions;

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

/** A stack of LSTM layers, as torch.nn.LSTM (unidirectional): forward(x, {h0, c0}?) -> { output, hn, cn }. */
export class LSTM extends RecurrentStack {
  constructor(inputSize: number, hiddenSize: number, opts?: LSTMOptions) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, state?: LSTMState): LSTMOutput {
    let seq = this.timeMajor(x);
    const B = seq.shape[1];
    if (state !== undefined) {
      this.checkState('h0', state.h0, B);
      this.checkState('c0', state.c0, B);
    }
    const hn: Tensor[] = [];
    const cn: Tensor[] = [];
    this.layers.forEach(([wIh, wHh, bIh, bHh], l) => {
      const initial = (t: Tensor | undefined): Tensor | null => (t === undefined ? null : this.layerState(t, l));
      const r = lstm(seq, initial(state?.h0), initial(state?.c0), wIh, wHh, bIh, bHh);
      seq = this.betweenLayers(r.y, l);
      hn.push(r.hn);
      cn.push(r.cn);
    });
    return { output: this.callerLayout(seq), hn: stack(hn, 0), cn: stack(cn, 0) };
  }
}

export interface LSTMCellState {
  /** (B, H) each. */
  h: Tensor;
  c: Tensor;
}

/** One LSTM step, as torch.nn.LSTMCell: forward(x (B, I), {h, c}) -> {h, c}; no state means zeros. */
export class LSTMCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts?: CellOptions) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, state?: LSTMCellState): LSTMCellState {
    this.checkInput(x);
    const h = state?.h ?? zeros([x.shape[0], this.hiddenSize]);
    const c = state?.c ?? zeros([x.shape[0], this.hiddenSize]);
    return lstmCell(x, h, c, this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}
