// torch.nn.GRU and GRUCell: PyTorch's parameter names, gate order (r, z, n) and initialisation
// (uniform in ±1/sqrt(hidden)). Each step is composed from primitive ops; the input projection of
// all steps is one GEMM per layer.
import { Module } from '../module.js';
import { dropout } from './dropout.js';
import { addGateParameters, RecurrentCell, type CellOptions, type GateParameters } from './recurrent.js';
import { zeros } from '../../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { gruCell, gruStep } from '../../ops/gru.js';
import { linear } from '../../ops/linear.js';
import { stack } from '../../ops/join.js';
import { narrow, reshape, transpose } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';

export interface GRUOptions {
  numLayers?: number;
  bias?: boolean;
  /** x and output are (B, T, features) instead of (T, B, features). The state stays (layers, B, H). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  seed?: number;
}

/** A stack of GRU layers, as torch.nn.GRU (unidirectional): forward(x, h0?) -> { output, hn }. */
export class GRU extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  /** Per layer: [weight_ih, weight_hh, bias_ih, bias_hh] (null biases with bias: false). */
  readonly layers: GateParameters[] = [];

  constructor(readonly inputSize: number, readonly hiddenSize: number, opts: GRUOptions = {}) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) {
      throw new ArgumentError(`GRU: numLayers must be a whole number >= 1, got ${this.numLayers}`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError(`GRU: dropout must be in [0, 1), got ${this.dropout}`);
    for (let l = 0; l < this.numLayers; l++) {
      this.layers.push(addGateParameters('GRU', 3, (n, t) => this.addParameter(n, t), `_l${l}`, l === 0 ? inputSize : hiddenSize, hiddenSize,
        opts.bias ?? true, opts.seed === undefined ? undefined : opts.seed + 4 * l));
    }
  }

  /** x (T, B, I) or (B, T, I) with batchFirst; h0 (numLayers, B, H), zeros when absent. */
  forward(x: Tensor, h0?: Tensor): { output: Tensor; hn: Tensor } {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? '(B, T, inputSize)' : '(T, B, inputSize)';
      throw new ShapeError(`GRU: x must be ${layout} with inputSize ${this.inputSize}, got ${formatShape(x.shape)}`);
    }
    let seq = this.batchFirst ? transpose(x, 0, 1) : x;
    const [T, B] = seq.shape;
    const H = this.hiddenSize;
    if (h0 !== undefined && (h0.ndim !== 3 || h0.shape[0] !== this.numLayers || h0.shape[1] !== B || h0.shape[2] !== H)) {
      throw new ShapeError(`GRU: h0 must be (numLayers, B, H) = [${this.numLayers}, ${B}, ${H}], got ${formatShape(h0.shape)}`);
    }
    const hn: Tensor[] = [];
    this.layers.forEach(([wIh, wHh, bIh, bHh], l) => {
      const xProj = linear(seq, wIh, bIh ?? undefined);
      let h = h0 === undefined ? zeros([B, H]) : reshape(narrow(h0, 0, l, 1), [B, H]);
      const ys: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        h = gruStep(reshape(narrow(xProj, 0, t, 1), [B, 3 * H]), h, wHh, bHh);
        ys.push(h);
      }
      const y = stack(ys, 0);
      seq = l === this.numLayers - 1 ? y : dropout(y, this.dropout, this.training);
      hn.push(h);
    });
    return { output: this.batchFirst ? transpose(seq, 0, 1) : seq, hn: stack(hn, 0) };
  }
}

/** One GRU step, as torch.nn.GRUCell: forward(x (B, I), h?) -> h'; no h means zeros. */
export class GRUCell extends RecurrentCell {
  constructor(inputSize: number, hiddenSize: number, opts: CellOptions = {}) {
    super(3, inputSize, hiddenSize, opts);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    this.checkInput(x);
    return gruCell(x, h ?? zeros([x.shape[0], this.hiddenSize]), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}
