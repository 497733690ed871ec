// What the recurrent layers share: PyTorch's parameter layout — weight_ih (gates*H, I),
// weight_hh (gates*H, H) and two biases (gates*H), named with a per-layer suffix — and its
// initialisation, uniform in ±1/sqrt(hidden) for every one of them.
import { Module } from '../module.js';
import { uniform } from '../init.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';

export type GateParameters = [wIh: Tensor, wHh: Tensor, bIh: Tensor | null, bHh: Tensor | null];

export interface CellOptions {
  bias?: boolean;
  seed?: number;
}

/** Makes and registers (through `add`) one layer's gate weights; `gates` is 4 for an LSTM, 3 for a GRU. */
export function addGateParameters(
  layer: string, gates: number, add: (name: string, t: Tensor) => Tensor, suffix: string,
  inputSize: number, hiddenSize: number, bias: boolean, seed: number | undefined,
): GateParameters {
  for (const [name, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${layer}: ${name} must be a whole number >= 1, got ${v}`);
  }
  const bound = 1 / Math.sqrt(hiddenSize);
  const make = (name: string, shape: number[], k: number): Tensor =>
    add(`${name}${suffix}`, uniform(shape, bound, { seed: seed === undefined ? undefined : seed + k }));
  return [
    make('weight_ih', [gates * hiddenSize, inputSize], 0),
    make('weight_hh', [gates * hiddenSize, hiddenSize], 1),
    bias ? make('bias_ih', [gates * hiddenSize], 2) : null,
    bias ? make('bias_hh', [gates * hiddenSize], 3) : null,
  ];
}

/** A single-step recurrent cell (LSTMCell, GRUCell) with its gate parameters. */
export abstract class RecurrentCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  constructor(gates: number, readonly inputSize: number, readonly hiddenSize: number, opts: CellOptions = {}) {
    super();
    [this.weightIh, this.weightHh, this.biasIh, this.biasHh] = addGateParameters(
      this.constructor.name, gates, (n, t) => this.addParameter(n, t), '', inputSize, hiddenSize, opts.bias ?? true, opts.seed);
  }

  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) {
      throw new ShapeError(
        `${this.constructor.name}: x must be (B, inputSize) with inputSize ${this.inputSize}, got ${formatShape(x.shape)}`,
      );
    }
  }
}
