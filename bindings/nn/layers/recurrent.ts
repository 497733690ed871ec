// What the recurrent layers share: PyTorch's parameter layout — weight_ih (gates*H, I),
// weight_hh (gates*H, H) and two biases (gates*H), named with a per-layer suffix (_l0, and
// _l0_reverse for a bidirectional layer's second direction) — its initialisation, uniform in
// ±1/sqrt(hidden) for every one of them, and the stacking of layers and directions.
import { Module } from '../module.js';
import { dropout } from './dropout.js';
import { uniform } from '../init.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { tensor, zeros } from '../../creation.js';
import { indexSelect } from '../../ops/indexing.js';
import { cat, stack } from '../../ops/join.js';
import { narrow, reshape, transpose } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions, type OptionType } from '../../options.js';

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

/**
 * The cell and stack options, declared under each layer's name, with the layer's own (RNN's
 * nonlinearity) added.
 */
const cellOptions = (layer: string, own: Readonly<Record<string, OptionType>>) =>
  defineOptions<CellOptions>(layer, { bias: 'boolean', seed: 'number' }).derive<CellOptions>(layer, own);
const stackOptions = (layer: string, own: Readonly<Record<string, OptionType>>) => defineOptions<RecurrentOptions>(layer, {
  numLayers: 'number', bias: 'boolean', batchFirst: 'boolean', dropout: 'number', bidirectional: 'boolean', seed: 'number',
}).derive<RecurrentOptions>(layer, own);

/** A single-step recurrent cell (LSTMCell, GRUCell) with its gate parameters. */
export abstract class RecurrentCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  /** `own` declares the options of the cell beyond bias and seed (RNNCell's nonlinearity). */
  constructor(
    gates: number, readonly inputSize: number, readonly hiddenSize: number, options?: CellOptions,
    own: Readonly<Record<string, OptionType>> = {},
  ) {
    super();
    const opts = cellOptions(new.target.name, own).parse(options);
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
  /** x and output are (B, T, features) instead of (T, B, features). States stay (numLayers*numDirections, B, H). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training. */
  dropout?: number;
  /** A second pass over the reversed sequence per layer (parameters `*_reverse`); outputs are 2H wide. */
  bidirectional?: boolean;
  seed?: number;
}

/**
 * What RNN and GRU return: PyTorch's tuple, `const [output, hn] = gru.forward(x)`, which is also
 * `{ output, hn }` as before.
 */
export type RecurrentOutput = [output: Tensor, hn: Tensor] & { output: Tensor; hn: Tensor };

/** A tuple that also carries its elements by name: both PyTorch's and the named form destructure. */
export function namedTuple<T extends unknown[], N extends object>(items: [...T], names: N): [...T] & N {
  return Object.assign(items, names);
}

/** One direction of one layer: its output at every step (T, B, H) and its final states, each (B, H). */
export interface DirectionResult {
  y: Tensor;
  final: Tensor[];
}

/** An initial state as the caller passed it, (numLayers*numDirections, B, H), with its name for errors. */
export type NamedState = [name: string, state: Tensor | undefined];

/**
 * A stack of recurrent layers (RNN, LSTM, GRU), as torch's: layer l reads layer l-1's outputs,
 * each layer one or (bidirectional) two directions. The reverse direction runs the same step over
 * the sequence flipped in time (indexSelect), and its outputs are flipped back.
 */
export abstract class RecurrentStack extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly numDirections: 1 | 2;
  /**
   * Per layer and direction, in PyTorch's order (l0, l0_reverse, l1, ...): [weight_ih, weight_hh,
   * bias_ih, bias_hh] (null biases with bias: false). Unidirectional, entry l is layer l.
   */
  readonly layers: GateParameters[] = [];

  /** `own` declares the options of the layer beyond the stack's (RNN's nonlinearity). */
  constructor(
    gates: number, readonly inputSize: number, readonly hiddenSize: number, options?: RecurrentOptions,
    own: Readonly<Record<string, OptionType>> = {},
  ) {
    super();
    const name = this.constructor.name;
    const opts = stackOptions(name, own).parse(options);
    this.numLayers = opts.numLayers ?? 1;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) {
      throw new ArgumentError(`${name}: numLayers must be a whole number >= 1, got ${this.numLayers}`);
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ArgumentError(`${name}: dropout must be in [0, 1), got ${this.dropout}`);
    this.numDirections = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const k = l * this.numDirections + d;
        const seed = opts.seed === undefined ? undefined : opts.seed + 4 * k;
        const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.layers.push(addGateParameters(name, gates, (n, t) => this.addParameter(n, t), suffix,
          l === 0 ? inputSize : this.numDirections * hiddenSize, hiddenSize, opts.bias ?? true, seed));
      }
    }
  }

  /** One direction of one layer over the time-major `seq`, from `initial` states (B, H) or zeros (null). */
  protected abstract runDirection(seq: Tensor, params: GateParameters, initial: Tensor[] | null): DirectionResult;

  /**
   * x in the caller's layout through every layer and direction. `initial` names the initial states,
   * each (numLayers*numDirections, B, H), or is undefined for zeros. Returns the last layer's output
   * in the caller's layout, (.., numDirections*H) wide, and each kind of final state stacked as
   * (numLayers*numDirections, B, H) in PyTorch's order.
   */
  protected runStack(x: Tensor, initial: NamedState[] | undefined): { output: Tensor; final: Tensor[] } {
    let seq = this.timeMajor(x);
    const [T, B] = seq.shape;
    if (initial !== undefined) for (const [name, state] of initial) this.checkState(name, state, B);
    const reversed = this.bidirectional ? tensor(Int32Array.from({ length: T }, (_, t) => T - 1 - t), [T], 'int32') : null;
    const flip = (t: Tensor) => indexSelect(t, 0, reversed!);
    const finals: Tensor[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const k = l * this.numDirections + d;
        const start = initial === undefined ? null : initial.map(([, state]) => this.layerState(state!, k));
        const r = this.runDirection(d === 0 ? seq : flip(seq), this.layers[k], start);
        outputs.push(d === 0 ? r.y : flip(r.y));
        r.final.forEach((f, i) => (finals[i] ??= []).push(f));
      }
      seq = this.betweenLayers(outputs.length === 1 ? outputs[0] : cat(outputs, 2), l);
    }
    return { output: this.callerLayout(seq), final: finals.map((f) => stack(f, 0)) };
  }

  /** x checked and seen as (T, B, I). */
  private timeMajor(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? '(B, T, inputSize)' : '(T, B, inputSize)';
      throw new ShapeError(`${this.constructor.name}: x must be ${layout} with inputSize ${this.inputSize}, got ${formatShape(x.shape)}`);
    }
    return this.batchFirst ? transpose(x, 0, 1) : x;
  }

  /** Throws unless `state` is (numLayers*numDirections, B, H). */
  private checkState(name: string, state: Tensor | undefined, B: number): void {
    const [LD, H] = [this.numLayers * this.numDirections, this.hiddenSize];
    if (state === undefined || state.ndim !== 3 || state.shape[0] !== LD || state.shape[1] !== B || state.shape[2] !== H) {
      const layout = this.bidirectional ? '(numLayers*numDirections, B, H)' : '(numLayers, B, H)';
      throw new ShapeError(
        `${this.constructor.name}: ${name} must be ${layout} = [${LD}, ${B}, ${H}], ` +
          `got ${state === undefined ? 'nothing' : formatShape(state.shape)}`,
      );
    }
  }

  /** Entry k's (B, H) slice of a (numLayers*numDirections, B, H) state. */
  private layerState(state: Tensor, k: number): Tensor {
    return reshape(narrow(state, 0, k, 1), [state.shape[1], this.hiddenSize]);
  }

  /** Dropout between layers: on every layer's output but the last. */
  private betweenLayers(y: Tensor, l: number): Tensor {
    return l === this.numLayers - 1 ? y : dropout(y, this.dropout, this.training);
  }

  /** The last layer's output, back in the caller's layout. */
  private callerLayout(y: Tensor): Tensor {
    return this.batchFirst ? transpose(y, 0, 1) : y;
  }
}

/**
 * A direction run step by step from its input projection xProj (T, B, gates*H), computed for every
 * step in one GEMM: h = step(xProj[t], h) from `initial` (B, H) or zeros.
 */
export function unrolled(
  seq: Tensor, xProj: Tensor, initial: Tensor | null, hiddenSize: number, step: (xProj: Tensor, h: Tensor) => Tensor,
): DirectionResult {
  const [T, B] = seq.shape;
  const width = xProj.shape[2];
  let h = initial ?? zeros([B, hiddenSize]);
  const ys: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    h = step(reshape(narrow(xProj, 0, t, 1), [B, width]), h);
    ys.push(h);
  }
  return { y: stack(ys, 0), final: [h] };
}
