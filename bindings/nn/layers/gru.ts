// torch.nn.GRU and GRUCell: PyTorch's parameter names, gate order (r, z, n) and initialisation
// (recurrent.ts). Each step is composed from primitive ops; the input projection of all steps is
// one GEMM per layer.
import {
  RecurrentCell, RecurrentStack, namedTuple, unrolled, type CellOptions, type DirectionResult, type GateParameters, type RecurrentOptions,
  type RecurrentOutput,
} from './recurrent.js';
import { zeros } from '../../creation.js';
import { gruCell, gruStep } from '../../ops/gru.js';
import { linear } from '../../ops/linear.js';
import type { Tensor } from '../../tensor.js';

export type GRUOptions = RecurrentOptions;

/** A stack of GRU layers, as torch.nn.GRU (also bidirectional): forward(x, h0?) -> [output, hn], also { output, hn }. */
export class GRU extends RecurrentStack {
  constructor(inputSize: number, hiddenSize: number, opts?: GRUOptions) {
    super(3, inputSize, hiddenSize, opts);
  }

  /** x (T, B, I) or (B, T, I) with batchFirst; h0 (numLayers*numDirections, B, H), zeros when absent. */
  forward(x: Tensor, h0?: Tensor): RecurrentOutput {
    const { output, final: [hn] } = this.runStack(x, h0 === undefined ? undefined : [['h0', h0]]);
    return namedTuple([output, hn], { output, hn });
  }

  protected runDirection(seq: Tensor, [wIh, wHh, bIh, bHh]: GateParameters, initial: Tensor[] | null): DirectionResult {
    const xProj = linear(seq, wIh, bIh ?? undefined);
    return unrolled(seq, xProj, initial?.[0] ?? null, this.hiddenSize, (step, h) => gruStep(step, h, wHh, bHh));
  }
}

/** One GRU step, as torch.nn.GRUCell: forward(x (B, I), h?) -> h'; no h means zeros. */
export class GRUCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts?: CellOptions) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    this.checkInput(x);
    return gruCell(x, h ?? zeros([x.shape[0], this.hiddenSize]), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}
