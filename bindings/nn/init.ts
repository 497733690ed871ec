// Seeded initialisers, with the fan and gain rules of torch.nn.init. Each returns a new tensor.
import { ArgumentError, formatShape } from '../errors.js';
import { rand, randn, type RandomOptions } from '../creation.js';
import type { Tensor } from '../tensor.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu' | 'conv';

/** The gain that keeps activations' variance steady through this nonlinearity. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
    case 'conv':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    case 'selu':
      return 3 / 4;
    default:
      throw new ArgumentError(`calculateGain: unknown nonlinearity ${String(nonlinearity)}`);
  }
}

/** Fan-in and fan-out of a weight shaped (out, in, ...kernel), as PyTorch computes them. */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ArgumentError(`init: fans need a weight with at least 2 dimensions, got shape ${formatShape(shape)}`);
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export interface FanOptions extends RandomOptions {
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  /** Negative slope of the leaky ReLU that follows (the `a` of torch.nn.init). */
  a?: number;
}

export function uniform(shape: readonly number[], bound: number, opts: RandomOptions = {}): Tensor {
  return rand(shape, { seed: opts.seed, low: -bound, high: bound });
}

export function xavierUniform(shape: readonly number[], opts: RandomOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans(shape);
  return uniform(shape, (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut)), opts);
}

export function xavierNormal(shape: readonly number[], opts: RandomOptions & { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans(shape);
  return randn(shape, { seed: opts.seed, std: (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)) });
}

function kaimingStd(shape: readonly number[], opts: FanOptions): number {
  const { fanIn, fanOut } = fans(shape);
  const fan = (opts.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

export function kaimingUniform(shape: readonly number[], opts: FanOptions = {}): Tensor {
  return uniform(shape, Math.sqrt(3) * kaimingStd(shape, opts), opts);
}

export function kaimingNormal(shape: readonly number[], opts: FanOptions = {}): Tensor {
  return randn(shape, { seed: opts.seed, std: kaimingStd(shape, opts) });
}
