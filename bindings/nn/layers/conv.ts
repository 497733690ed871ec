// Convolution layers with PyTorch's arguments and initialisation: the weight Kaiming-uniform with
// a = sqrt(5) and the bias uniform, both within ±1/sqrt(fan_in).
import { kaimingUniform, fans, uniform } from '../init.js';
import { Module } from '../module.js';
import { conv2d, CONV2D, convTranspose2d, CONV_TRANSPOSE2D } from '../../ops/conv.js';
import { conv3d, CONV3D, triple, type Conv3dOptions } from '../../ops/conv3d.js';
import { conv1d, CONV1D, type Conv1dOptions, type Single } from '../../ops/lifted-1d.js';
import type { Triple } from '../../kernels/pool.js';
import { ArgumentError } from '../../errors.js';
import { pair, type Padding, type Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';

/** What every convolution layer adds to its op's options: how its parameters start. */
export interface ConvInitOptions {
  /** Default true. */
  bias?: boolean;
  /** Seed of the initial weights (the bias uses seed + 1); without it, the global generator's. */
  seed?: number;
}

export interface Conv2dLayerOptions extends ConvInitOptions {
  /** Default 1. */
  stride?: Pair;
  /** Default 0; also 'same', 'valid' or [top, left, bottom, right]. */
  padding?: Padding | 'same' | 'valid';
  /** Default 1. */
  dilation?: Pair;
  /** Default 1; must divide both channel counts. */
  groups?: number;
}

export interface ConvTranspose2dLayerOptions extends Omit<Conv2dLayerOptions, 'padding'> {
  padding?: Padding;
  /** Added to the output's bottom/right. Default 0. */
  outputPadding?: Pair;
}

const CONV2D_LAYER = CONV2D.derive<Conv2dLayerOptions>('Conv2d', { bias: 'boolean', seed: 'number' });
const CONV_TRANSPOSE2D_LAYER = CONV_TRANSPOSE2D.derive<ConvTranspose2dLayerOptions>('ConvTranspose2d', { bias: 'boolean', seed: 'number' });
const CONV1D_LAYER = CONV1D.derive<Conv1dLayerOptions>('Conv1d', { bias: 'boolean', seed: 'number' });
const CONV3D_LAYER = CONV3D.derive<Conv3dLayerOptions>('Conv3d', { bias: 'boolean', seed: 'number' });

function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${layer}: ${name} must be a whole number >= 1, got ${v}`);
  }
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ArgumentError(`${layer}: groups = ${groups} must divide inChannels (${inChannels}) and outChannels (${outChannels})`);
  }
}

/** torch's default init: Kaiming-uniform with a = sqrt(5) is uniform in ±1/sqrt(fan_in); so is the bias. */
function initialise(shape: number[], withBias: boolean, biasSize: number, seed: number | undefined): [Tensor, Tensor | null] {
  const weight = kaimingUniform(shape, { a: Math.sqrt(5), seed });
  if (!withBias) return [weight, null];
  const bound = 1 / Math.sqrt(fans(shape).fanIn);
  return [weight, uniform([biasSize], bound, { seed: seed === undefined ? undefined : seed + 1 })];
}

/** The op a layer applies: its options less bias and seed, which only say how the parameters start. */
type Convolution<O> = (x: Tensor, weight: Tensor, bias: Tensor | null, options: Omit<O, keyof ConvInitOptions>) => Tensor;

/**
 * What the convolution layers share: checked channel counts, torch's initial weight and bias for a
 * kernel size already checked, and the forward pass through the layer's op. The weight is
 * (outChannels, inChannels/groups, ...kernel) for a convolution and (inChannels, outChannels/groups,
 * ...kernel) for a transposed one.
 */
abstract class ConvLayer<O extends ConvInitOptions & { groups?: number }> extends Module {
  readonly kernelSize: number[];
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number[],
    readonly options: O,
    transposed: boolean,
    private readonly convolve: Convolution<O>,
  ) {
    super();
    const groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, groups);
    this.kernelSize = kernelSize;
    const [first, second] = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    const [weight, bias] = initialise([first, second, ...this.kernelSize], options.bias !== false, outChannels, options.seed);
    this.weight = this.addParameter('weight', weight);
    this.bias = bias === null ? null : this.addParameter('bias', bias);
  }

  forward(x: Tensor): Tensor {
    const { bias: _bias, seed: _seed, ...opOptions } = this.options;
    return this.convolve(x, this.weight, this.bias, opOptions);
  }
}

/** 2-D convolution over (N, inChannels, H, W); weight (outChannels, inChannels/groups, kH, kW). */
export class Conv2d extends ConvLayer<Conv2dLayerOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dLayerOptions) {
    const checked = CONV2D_LAYER.parse(options);
    super('Conv2d', inChannels, outChannels, pair('Conv2d', 'kernelSize', kernelSize, 1), checked, false, conv2d);
  }
}

/** 2-D transposed convolution; weight (inChannels, outChannels/groups, kH, kW). */
export class ConvTranspose2d extends ConvLayer<ConvTranspose2dLayerOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dLayerOptions) {
    const checked = CONV_TRANSPOSE2D_LAYER.parse(options);
    super('ConvTranspose2d', inChannels, outChannels, pair('ConvTranspose2d', 'kernelSize', kernelSize, 1), checked, true, convTranspose2d);
  }
}

export interface Conv1dLayerOptions extends Conv1dOptions, ConvInitOptions {}

/** 1-D convolution over (N, inChannels, L); weight (outChannels, inChannels/groups, k). */
export class Conv1d extends ConvLayer<Conv1dLayerOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Single, options?: Conv1dLayerOptions) {
    const checked = CONV1D_LAYER.parse(options);
    const k = typeof kernelSize === 'number' ? kernelSize : Array.isArray(kernelSize) && kernelSize.length === 1 ? kernelSize[0] : NaN;
    if (!Number.isInteger(k) || k < 1) {
      throw new ArgumentError(`Conv1d: kernelSize must be a whole number >= 1 or [k], got ${JSON.stringify(kernelSize)}`);
    }
    super('Conv1d', inChannels, outChannels, [k], checked, false, conv1d);
  }
}

export interface Conv3dLayerOptions extends Conv3dOptions, ConvInitOptions {}

/** 3-D convolution over (N, inChannels, D, H, W); weight (outChannels, inChannels/groups, kD, kH, kW). */
export class Conv3d extends ConvLayer<Conv3dLayerOptions> {
  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options?: Conv3dLayerOptions) {
    const checked = CONV3D_LAYER.parse(options);
    super('Conv3d', inChannels, outChannels, triple('Conv3d', 'kernelSize', kernelSize, 1), checked, false, conv3d);
  }
}
