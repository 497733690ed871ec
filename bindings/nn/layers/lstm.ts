// torch.nn.LSTM and LSTMCell: PyTorch's parameter names (so its state dicts load), gate order
// (i, f, g, o) and initialisation (recurrent.ts). Each LSTM layer and direction is one fused sequence op.
import {
  RecurrentCell, RecurrentStack, namedTuple, type CellOptions, type DirectionResult, type GateParameters, type NamedState,
  type RecurrentOptions,
} from './recurrent.js';
import { zeros } from '../../creation.js';
import { lstm, lstmCell } from '../../ops/lstm.js';
import type { Tensor } from '../../tensor.js';

export type LSTMOptions = RecurrentOptions;

export interface LSTMState {
  /** (numLayers*numDirections, B, H) each. */
  h0: Tensor;
  c0: Tensor;
}

export interface LSTMNamedOutput {
  /** (T, B, numDirections*H), or (B, T, ..) with batchFirst: the last layer's hidden state at every step. */
  output: Tensor;
  /** (numLayers*numDirections, B, H): each layer and direction's hidden and cell state after its last step. */
  hn: Tensor;
  cn: Tensor;
}

/** PyTorch's `output, (hn, cn)`: `const [output, [hn, cn]] = lstm.forward(x)`, also `{ output, hn, cn }`. */
export type LSTMOutput = [output: Tensor, state: [hn: Tensor, cn: Tensor]] & LSTMNamedOutput;

/**
 * A stack of LSTM layers, as torch.nn.LSTM (also bidirectional): forward(x, {h0, c0}?) ->
 * [output, [hn, cn]], also { output, hn, cn }.
 */
export class LSTM extends RecurrentStack {
  constructor(inputSize: number, hiddenSize: number, opts?: LSTMOptions) {
    super(4, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, state?: LSTMState): LSTMOutput {
    const initial: NamedState[] | undefined = state === undefined ? undefined : [['h0', state.h0], ['c0', state.c0]];
    const { output, final: [hn, cn] } = this.runStack(x, initial);
    return namedTuple([output, [hn, cn] as [Tensor, Tensor]], { output, hn, cn });
  }

  protected runDirection(seq: Tensor, [wIh, wHh, bIh, bHh]: GateParameters, initial: Tensor[] | null): DirectionResult {
    const r = lstm(seq, initial?.[0] ?? null, initial?.[1] ?? null, wIh, wHh, bIh, bHh);
    return { y: r.y, final: [r.hn, r.cn] };
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
