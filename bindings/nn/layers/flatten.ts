import { Module } from '../module.js';
import { flatten } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';

/** Flattens dims startDim..endDim into one; by default every dim but the batch. */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}
