import { Module } from '../module.js';
import { upsampleNearest } from '../../ops/upsample.js';
import type { Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions, PAIR } from '../../options.js';

export interface UpsampleOptions {
  /** A whole number, or [h, w]. */
  scaleFactor: Pair;
  /** Only 'nearest' (the default). */
  mode?: 'nearest';
}

const UPSAMPLE = defineOptions<UpsampleOptions>('Upsample', { scaleFactor: PAIR, mode: "'nearest'" }, ['scaleFactor']);

/** Nearest-neighbour upsampling of (N, C, H, W) by whole-number factors. */
export class Upsample extends Module {
  readonly scaleFactor: Pair;

  constructor(options: UpsampleOptions) {
    super();
    this.scaleFactor = UPSAMPLE.parse(options).scaleFactor;
  }

  forward(x: Tensor): Tensor {
    return upsampleNearest(x, this.scaleFactor);
  }
}
