import { Module } from '../module.js';
import { flatten } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

const FLATTEN = defineOptions<{ startDim?: number; endDim?: number }>('Flatten', { startDim: 'number', endDim: 'number' });

/** Flattens dims startDim..endDim into one; by default every dim but the batch. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(...args: [startDim?: number, endDim?: number] | [{ startDim?: number; endDim?: number }]) {
    super();
    const { startDim = 1, endDim = -1 } = FLATTEN.fromArguments(args);
    [this.startDim, this.endDim] = [startDim, endDim];
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
