// Convolution layers with PyTorch's arguments and initialisation: the weight Kaiming-uniform with
// a = sqrt(5) and the bias uniform, both within ±1/sqrt(fan_in).
import { kaimingUniform, fans, uniform } from '../init.js';
import { Module } from '../module.js';
import { conv2d, CONV2D, convTranspose2d, CONV_TRANSPOSE2D } from '../../ops/conv.js';
import { ArgumentError } from '../../errors.js';
import { pair, type Padding, type Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';

export interface Conv2dLayerOptions {
  /** Default 1. */
  stride?: Pair;
  /** Default 0; also 'same', 'valid' or [top, left, bottom, right]. */
  padding?: Padding | 'same' | 'valid';
  /** Default 1. */
  dilation?: Pair;
  /** Default 1; must divide both channel counts. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
  /** Seed of the initial weights (the bias uses seed + 1); without it, the global generator's. */
  seed?: number;
}

export interface ConvTranspose2dLayerOptions extends Omit<Conv2dLayerOptions, 'padding'> {
  padding?: Padding;
  /** Added to the output's bottom/right. Default 0. */
  outputPadding?: Pair;
}

const CONV2D_LAYER = CONV2D.derive<Conv2dLayerOptions>('Conv2d', { bias: 'boolean', seed: 'number' });
const CONV_TRANSPOSE2D_LAYER = CONV_TRANSPOSE2D.derive<ConvTranspose2dLayerOptions>('ConvTranspose2d', { bias: 'boolean', seed: 'number' });

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

/**
 * What Conv2d and ConvTranspose2d share: checked channel counts and kernel size, and torch's
 * initial weight and bias. The weight is (outChannels, inChannels/groups, kH, kW) for a
 * convolution and (inChannels, outChannels/groups, kH, kW) for a transposed one.
 */
abstract class ConvLayer extends Module {
  readonly kernelSize: [number, number];
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: { groups?: number; bias?: boolean; seed?: number },
    transposed: boolean,
  ) {
    super();
    const groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, groups);
    this.kernelSize = pair(name, 'kernelSize', kernelSize, 1);
    const [first, second] = transposed ? [inChannels, outChannels / groups] : [outChannels, inChannels / groups];
    const [weight, bias] = initialise([first, second, ...this.kernelSize], options.bias !== false, outChannels, options.seed);
    this.weight = this.addParameter('weight', weight);
    this.bias = bias === null ? null : this.addParameter('bias', bias);
  }
}

/** 2-D convolution over (N, inChannels, H, W); weight (outChannels, inChannels/groups, kH, kW). */
export class Conv2d extends ConvLayer {
  readonly options: Conv2dLayerOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dLayerOptions) {
    const checked = CONV2D_LAYER.parse(options);
    super('Conv2d', inChannels, outChannels, kernelSize, checked, false);
    this.options = checked;
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.options;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
}

/** 2-D transposed convolution; weight (inChannels, outChannels/groups, kH, kW). */
export class ConvTranspose2d extends ConvLayer {
  readonly options: ConvTranspose2dLayerOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dLayerOptions) {
    const checked = CONV_TRANSPOSE2D_LAYER.parse(options);
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, checked, true);
    this.options = checked;
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, dilation, groups });
  }
}
