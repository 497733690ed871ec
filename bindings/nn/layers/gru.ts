// torch.nn.GRU and GRUCell: PyTorch's parameter names, gate order (r, z, n) and initialisation
// (recurrent.ts). Each step is composed from primitive ops; the input projection of all steps is
// one GEMM per layer.
import { RecurrentCell, RecurrentStack, type CellOptions, type RecurrentOptions } from './recurrent.js';
import { zeros } from '../../creation.js';
import { gruCell, gruStep } from '../../ops/gru.js';
import { linear } from '../../ops/linear.js';
import { stack } from '../../ops/join.js';
import { narrow, reshape } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';

export type GRUOptions = RecurrentOptions;

/** A stack of GRU layers, as torch.nn.GRU (unidirectional): forward(x, h0?) -> { output, hn }. */
export class GRU extends RecurrentStack {
  constructor(inputSize: number, hiddenSize: number, opts?: GRUOptions) {
    super(3, inputSize, hiddenSize, opts);
  }

  /** x (T, B, I) or (B, T, I) with batchFirst; h0 (numLayers, B, H), zeros when absent. */
  forward(x: Tensor, h0?: Tensor): { output: Tensor; hn: Tensor } {
    let seq = this.timeMajor(x);
    const [T, B] = seq.shape;
    const H = this.hiddenSize;
    if (h0 !== undefined) this.checkState('h0', h0, B);
    const hn: Tensor[] = [];
    this.layers.forEach(([wIh, wHh, bIh, bHh], l) => {
      const xProj = linear(seq, wIh, bIh ?? undefined);
      let h = h0 === undefined ? zeros([B, H]) : this.layerState(h0, l);
      const ys: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        h = gruStep(reshape(narrow(xProj, 0, t, 1), [B, 3 * H]), h, wHh, bHh);
        ys.push(h);
      }
      seq = this.betweenLayers(stack(ys, 0), l);
      hn.push(h);
    });
    return { output: this.callerLayout(seq), hn: stack(hn, 0) };
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
