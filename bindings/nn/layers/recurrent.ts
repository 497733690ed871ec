// What the recurrent layers share: PyTorch's parameter layout — weight_ih (gates*H, I),
// weight_hh (gates*H, H) and two biases (gates*H), named with a per-layer suffix — and its
// initialisation, uniform in ±1/sqrt(hidden) for every one of them.
import { Module } from '../module.js';
import { dropout } from './dropout.js';
import { uniform } from '../init.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { narrow, reshape, transpose } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

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

/** The cell and stack options, declared under each layer's name. */
const cellOptions = (layer: string) => defineOptions<CellOptions>(layer, { bias: 'boolean', seed: 'number' });
const stackOptions = (layer: string) => defineOptions<RecurrentOptions>(layer, {
  numLayers: 'number', bias: 'boolean', batchFirst: 'boolean', dropout: 'number', seed: 'number',
});

/** A single-step recurrent cell (LSTMCell, GRUCell) with its gate parameters. */
export abstract class RecurrentCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  constructor(gates: number, readonly inputSize: number, readonly hiddenSize: number, options?: CellOptions) {
    super();
    const opts = cellOptions(new.target.name).parse(options);
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

export interface RecurrentOptions {
  numLayers?: number;
  bias?: boolean;
  /** x and output are (B, T, features) instead of (T, B, features). States stay (numLayers, B, H). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  seed?: number;
}

/** A stack of recurrent layers (LSTM, GRU): layer l reads layer l-1's outputs. */
export abstract class RecurrentStack extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  /** Per layer: [weight_ih, weight_hh, bias_ih, bias_hh] (null biases with bias: false). */
  readonly layers: GateParameters[] = [];

  constructor(gates: number, readonly inputSize: number, readonly hiddenSize: number, options?: RecurrentOptions) {
    super();
    const name = this.constructor.name;
    const opts = stackOptions(name).parse(options);
    this.numLayers = opts.numLayers ?? 1;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) {
      throw new ArgumentError(`${name}: numLayers must be a whole number >= 1, got ${this.numLayers}`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError(`${name}: dropout must be in [0, 1), got ${this.dropout}`);
    for (let l = 0; l < this.numLayers; l++) {
      const seed = opts.seed === undefined ? undefined : opts.seed + 4 * l;
      this.layers.push(addGateParameters(name, gates, (n, t) => this.addParameter(n, t), `_l${l}`,
        l === 0 ? inputSize : hiddenSize, hiddenSize, opts.bias ?? true, seed));
    }
  }

  /** x checked and seen as (T, B, I). */
  protected timeMajor(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? '(B, T, inputSize)' : '(T, B, inputSize)';
      throw new ShapeError(`${this.constructor.name}: x must be ${layout} with inputSize ${this.inputSize}, got ${formatShape(x.shape)}`);
    }
    return this.batchFirst ? transpose(x, 0, 1) : x;
  }

  /** Throws unless `state` is (numLayers, B, H). */
  protected checkState(name: string, state: Tensor | undefined, B: number): void {
    const [L, H] = [this.numLayers, this.hiddenSize];
    if (state === undefined || state.ndim !== 3 || state.shape[0] !== L || state.shape[1] !== B || state.shape[2] !== H) {
      throw new ShapeError(
        `${this.constructor.name}: ${name} must be (numLayers, B, H) = [${L}, ${B}, ${H}], got ${state === undefined ? 'nothing' : formatShape(state.shape)}`,
      );
    }
  }

  /** Layer l's (B, H) slice of a (numLayers, B, H) state. */
  protected layerState(state: Tensor, l: number): Tensor {
    return reshape(narrow(state, 0, l, 1), [state.shape[1], this.hiddenSize]);
  }

  /** Dropout between layers: on every layer's output but the last. */
  protected betweenLayers(y: Tensor, l: number): Tensor {
    return l === this.numLayers - 1 ? y : dropout(y, this.dropout, this.training);
  }

  /** The last layer's output, back in the caller's layout. */
  protected callerLayout(y: Tensor): Tensor {
    return this.batchFirst ? transpose(y, 0, 1) : y;
  }
}
