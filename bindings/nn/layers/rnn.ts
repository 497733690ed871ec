// torch.nn.RNN and RNNCell: the Elman network, h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh) with
// act tanh or relu, PyTorch's parameter names and initialisation (recurrent.ts). Each step is
// composed from primitive ops; the input projection of all steps is one GEMM per layer and direction.
import {
  RecurrentCell, RecurrentStack, namedTuple, unrolled, type CellOptions, type DirectionResult, type GateParameters, type RecurrentOptions,
  type RecurrentOutput,
} from './recurrent.js';
import { zeros } from '../../creation.js';
import { linear } from '../../ops/linear.js';
import { NONLINEARITY, rnnCell, rnnStep, type Nonlinearity } from '../../ops/rnn.js';
import type { Tensor } from '../../tensor.js';

/** What RNN and RNNCell take beyond the stack's or the cell's options. */
export interface ElmanOptions {
  /** Default 'tanh'. */
  nonlinearity?: Nonlinearity;
}

/** ElmanOptions' declaration, which each layer adds to its own under its name. */
const ELMAN_OPTIONS = { nonlinearity: NONLINEARITY };

/** The activation that options the layer's declaration has checked ask for. */
const activation = (opts: ElmanOptions): Nonlinearity => opts.nonlinearity ?? 'tanh';

export interface RNNOptions extends RecurrentOptions, ElmanOptions {}
export interface RNNCellOptions extends CellOptions, ElmanOptions {}

/** A stack of RNN layers, as torch.nn.RNN (also bidirectional): forward(x, h0?) -> [output, hn], also { output, hn }. */
export class RNN extends RecurrentStack {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super(1, inputSize, hiddenSize, opts, ELMAN_OPTIONS);
    this.nonlinearity = activation(opts);
  }

  /** x (T, B, I) or (B, T, I) with batchFirst; h0 (numLayers*numDirections, B, H), zeros when absent. */
  forward(x: Tensor, h0?: Tensor): RecurrentOutput {
    const { output, final: [hn] } = this.runStack(x, h0 === undefined ? undefined : [['h0', h0]]);
    return namedTuple([output, hn], { output, hn });
  }

  protected runDirection(seq: Tensor, [wIh, wHh, bIh, bHh]: GateParameters, initial: Tensor[] | null): DirectionResult {
    return unrolled(seq, linear(seq, wIh, bIh ?? undefined), initial?.[0] ?? null, this.hiddenSize,
      (xProj, h) => rnnStep(xProj, h, wHh, bHh, this.nonlinearity));
  }
}

/** One RNN step, as torch.nn.RNNCell: forward(x (B, I), h?) -> h'; no h means zeros. */
export class RNNCell extends RecurrentCell {
  readonly nonlinearity: Nonlinearity;

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(1, inputSize, hiddenSize, opts, ELMAN_OPTIONS);
    this.nonlinearity = activation(opts);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    this.checkInput(x);
    return rnnCell(x, h ?? zeros([x.shape[0], this.hiddenSize]), this.weightIh, this.weightHh, this.biasIh, this.biasHh, this.nonlinearity);
  }
}
