// Pooling layers: stateless modules over the pooling ops, with PyTorch's arguments.
import { Module } from '../module.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../../ops/pool.js';
import type { AvgPool2dOptions, MaxPool2dOptions } from '../../kernels/pool.js';
import type { Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';

export type MaxPool2dLayerOptions = Omit<MaxPool2dOptions, 'kernel'>;
export type AvgPool2dLayerOptions = Omit<AvgPool2dOptions, 'kernel'>;

/** Max over kernelSize windows; stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dLayerOptions = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Mean over kernelSize windows; stride defaults to the kernel size. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPool2dLayerOptions = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Averages (N, C, H, W) down to (N, C, outputSize); 1 is global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
