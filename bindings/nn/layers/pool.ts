// Pooling layers: stateless modules over the pooling ops, with PyTorch's arguments. They accept
// what the functional ops accept, padding beyond half the window included (torch's layers refuse
// it; ONNX models use it), and average pooling's dilation extension.
import { Module } from '../module.js';
import {
  ADAPTIVE_AVG_POOL2D, adaptiveAvgPool2d, AVG_POOL2D, AVG_POOL3D, avgPool2d, avgPool3d, MAX_POOL2D, MAX_POOL3D, maxPool2d, maxPool3d,
} from '../../ops/pool.js';
import type { AvgPool2dOptions, AvgPool3dOptions, MaxPool2dOptions, MaxPool3dOptions, Triple } from '../../kernels/pool.js';
import type { Pair } from '../../kernels/spatial.js';
import type { Tensor } from '../../tensor.js';

export type MaxPool2dLayerOptions = Omit<MaxPool2dOptions, 'kernel'>;
export type AvgPool2dLayerOptions = Omit<AvgPool2dOptions, 'kernel'>;
export type MaxPool3dLayerOptions = Omit<MaxPool3dOptions, 'kernel'>;
export type AvgPool3dLayerOptions = Omit<AvgPool3dOptions, 'kernel'>;

// The layers take their op's options but the kernel choice (a test's switch) and returnIndices.
const MAX_POOL2D_LAYER = MAX_POOL2D.derive<MaxPool2dLayerOptions>('MaxPool2d', {}, ['kernel', 'returnIndices']);
const AVG_POOL2D_LAYER = AVG_POOL2D.derive<AvgPool2dLayerOptions>('AvgPool2d', {}, ['kernel']);
const MAX_POOL3D_LAYER = MAX_POOL3D.derive<MaxPool3dLayerOptions>('MaxPool3d', {}, ['kernel', 'returnIndices']);
const AVG_POOL3D_LAYER = AVG_POOL3D.derive<AvgPool3dLayerOptions>('AvgPool3d', {}, ['kernel']);
const ADAPTIVE_AVG_POOL2D_LAYER = ADAPTIVE_AVG_POOL2D.derive<{ outputSize?: Pair }>('AdaptiveAvgPool2d', {});

/** Max over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dLayerOptions = {}) {
    super();
    MAX_POOL2D_LAYER.parse(options);
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** Mean over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPool2dLayerOptions = {}) {
    super();
    AVG_POOL2D_LAYER.parse(options);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** Max over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class MaxPool3d extends Module {
  constructor(readonly kernelSize: Triple, readonly options: MaxPool3dLayerOptions = {}) {
    super();
    MAX_POOL3D_LAYER.parse(options);
  }

  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.kernelSize, this.options);
  }
}

/** Mean over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class AvgPool3d extends Module {
  constructor(readonly kernelSize: Triple, readonly options: AvgPool3dLayerOptions = {}) {
    super();
    AVG_POOL3D_LAYER.parse(options);
  }

  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.options);
  }
}

/** Averages (N, C, H, W) down to (N, C, outputSize); 1 is global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair, ...none: []) {
    super();
    ADAPTIVE_AVG_POOL2D_LAYER.fromArguments([outputSize, ...none]);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
