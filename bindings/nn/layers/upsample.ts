import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { upsampleNearest } from '../../ops/upsample.js';
import type { Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';

export interface UpsampleOptions {
  /** A whole number, or [h, w]. */
  scaleFactor: Pair;
  /** Only 'nearest' (the default). */
  mode?: 'nearest';
}

/** Nearest-neighbour upsampling of (N, C, H, W) by whole-number factors. */
export class Upsample extends Module {
  readonly scaleFactor: Pair;

  constructor(options: UpsampleOptions) {
    super();
    if (options === undefined || options.scaleFactor === undefined) throw new ArgumentError('Upsample: scaleFactor is required');
    const mode = options.mode ?? 'nearest';
    if (mode !== 'nearest') throw new ArgumentError(`Upsample: mode must be 'nearest', got ${String(mode)}`);
    this.scaleFactor = options.scaleFactor;
  }

  forward(x: Tensor): Tensor {
    return upsampleNearest(x, this.scaleFactor);
  }
}
