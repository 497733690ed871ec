// Pooling layers: stateless modules over the pooling ops, with PyTorch's arguments. They accept
// what the functional ops accept, padding beyond half the window included (torch's layers refuse
// it; ONNX models use it), and average pooling's dilation extension.
import { Module } from '../module.js';
import { adaptiveAvgPool2d, avgPool2d, avgPool3d, maxPool2d, maxPool3d } from '../../ops/pool.js';
import type { AvgPool2dOptions, AvgPool3dOptions, MaxPool2dOptions, MaxPool3dOptions, Triple } from '../../kernels/pool.js';
import type { Pair } from '../../kernels/spatial.js';
import { avgPool1d, maxPool1d, type AvgPool1dOptions, type MaxPool1dOptions, type Single } from '../../ops/lifted-1d.js';
import type { Tensor } from '../../tensor.js';

export type MaxPool2dLayerOptions = Omit<MaxPool2dOptions, 'kernel'>;
export type AvgPool2dLayerOptions = Omit<AvgPool2dOptions, 'kernel'>;
export type MaxPool3dLayerOptions = Omit<MaxPool3dOptions, 'kernel'>;
export type AvgPool3dLayerOptions = Omit<AvgPool3dOptions, 'kernel'>;

/** A pooling layer: the window and options it was made with, applied by `fn`. */
interface Pooling<K, O> extends Module {
  readonly kernelSize: K;
  readonly options: O;
  forward(x: Tensor): Tensor;
}

function pooling<K, O extends object>(
  fn: (x: Tensor, kernelSize: K, options: O) => Tensor,
): new (kernelSize: K, options?: O) => Pooling<K, O> {
  return class extends Module {
    constructor(readonly kernelSize: K, readonly options: O = {} as O) {
      super();
    }

    forward(x: Tensor): Tensor {
      return fn(x, this.kernelSize, this.options);
    }
  };
}

/** Max over kernelSize windows of (N, C, L); stride defaults to the kernel size. */
export class MaxPool1d extends pooling<Single, MaxPool1dOptions>(maxPool1d) {}

/** Mean over kernelSize windows of (N, C, L); stride defaults to the kernel size. */
export class AvgPool1d extends pooling<Single, AvgPool1dOptions>(avgPool1d) {}

/** Max over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class MaxPool2d extends pooling<Pair, MaxPool2dLayerOptions>(maxPool2d) {}

/** Mean over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class AvgPool2d extends pooling<Pair, AvgPool2dLayerOptions>(avgPool2d) {}

/** Max over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class MaxPool3d extends pooling<Triple, MaxPool3dLayerOptions>(maxPool3d) {}

/** Mean over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class AvgPool3d extends pooling<Triple, AvgPool3dLayerOptions>(avgPool3d) {}

/** Averages (N, C, H, W) down to (N, C, outputSize); 1 is global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
