// Pooling layers: stateless modules over the pooling ops, with PyTorch's arguments. They accept
// what the functional ops accept, padding beyond half the window included (torch's layers refuse
// it; ONNX models use it), and average pooling's dilation extension.
import { Module } from '../module.js';
import {
  ADAPTIVE_AVG_POOL2D, adaptiveAvgPool2d, AVG_POOL2D, AVG_POOL3D, avgPool2d, avgPool3d, MAX_POOL2D, MAX_POOL3D, maxPool2d, maxPool3d,
} from '../../ops/pool.js';
import type { AvgPool2dOptions, AvgPool3dOptions, MaxPool2dOptions, MaxPool3dOptions, Triple } from '../../kernels/pool.js';
import type { Pair } from '../../kernels/spatial.js';
import {
  AVG_POOL1D, avgPool1d, MAX_POOL1D, maxPool1d, type AvgPool1dOptions, type MaxPool1dOptions, type Single,
} from '../../ops/lifted-1d.js';
import type { OptionsDeclaration } from '../../options.js';
import type { Tensor } from '../../tensor.js';

export type MaxPool2dLayerOptions = Omit<MaxPool2dOptions, 'kernel'>;
export type AvgPool2dLayerOptions = Omit<AvgPool2dOptions, 'kernel'>;
export type MaxPool3dLayerOptions = Omit<MaxPool3dOptions, 'kernel'>;
export type AvgPool3dLayerOptions = Omit<AvgPool3dOptions, 'kernel'>;

// The layers take their op's options but the kernel choice (a test's switch) and returnIndices.
const MAX_POOL1D_LAYER = MAX_POOL1D.derive<MaxPool1dOptions>('MaxPool1d', {}, ['returnIndices']);
const AVG_POOL1D_LAYER = AVG_POOL1D.derive<AvgPool1dOptions>('AvgPool1d', {});
const MAX_POOL2D_LAYER = MAX_POOL2D.derive<MaxPool2dLayerOptions>('MaxPool2d', {}, ['kernel', 'returnIndices']);
const AVG_POOL2D_LAYER = AVG_POOL2D.derive<AvgPool2dLayerOptions>('AvgPool2d', {}, ['kernel']);
const MAX_POOL3D_LAYER = MAX_POOL3D.derive<MaxPool3dLayerOptions>('MaxPool3d', {}, ['kernel', 'returnIndices']);
const AVG_POOL3D_LAYER = AVG_POOL3D.derive<AvgPool3dLayerOptions>('AvgPool3d', {}, ['kernel']);
const ADAPTIVE_AVG_POOL2D_LAYER = ADAPTIVE_AVG_POOL2D.derive<{ outputSize?: Pair }>('AdaptiveAvgPool2d', {});

/** A pooling layer: the window and options it was made with, applied by `fn`. */
interface Pooling<K, O> extends Module {
  readonly kernelSize: K;
  readonly options: O;
  forward(x: Tensor): Tensor;
}

/** A pooling layer's class: its options checked against `declaration` when made, `fn` applied in forward. */
function pooling<K, O extends object>(
  fn: (x: Tensor, kernelSize: K, options: O) => Tensor, declaration: OptionsDeclaration<O>,
): new (kernelSize: K, options?: O) => Pooling<K, O> {
  return class extends Module {
    readonly options: O;

    constructor(readonly kernelSize: K, options?: O) {
      super();
      this.options = declaration.parse(options);
    }

    forward(x: Tensor): Tensor {
      return fn(x, this.kernelSize, this.options);
    }
  };
}

/** Max over kernelSize windows of (N, C, L); stride defaults to the kernel size. */
export class MaxPool1d extends pooling<Single, MaxPool1dOptions>(maxPool1d, MAX_POOL1D_LAYER) {}

/** Mean over kernelSize windows of (N, C, L); stride defaults to the kernel size. */
export class AvgPool1d extends pooling<Single, AvgPool1dOptions>(avgPool1d, AVG_POOL1D_LAYER) {}

/** Max over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class MaxPool2d extends pooling<Pair, MaxPool2dLayerOptions>(maxPool2d, MAX_POOL2D_LAYER) {}

/** Mean over kernelSize windows of (N, C, H, W); stride defaults to the kernel size. */
export class AvgPool2d extends pooling<Pair, AvgPool2dLayerOptions>(avgPool2d, AVG_POOL2D_LAYER) {}

/** Max over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class MaxPool3d extends pooling<Triple, MaxPool3dLayerOptions>(maxPool3d, MAX_POOL3D_LAYER) {}

/** Mean over kernelSize windows of (N, C, D, H, W); stride defaults to the kernel size. */
export class AvgPool3d extends pooling<Triple, AvgPool3dLayerOptions>(avgPool3d, AVG_POOL3D_LAYER) {}

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
