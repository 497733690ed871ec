// Differentiable batch normalisation over the channel dim 1 of (N, C, ...), as
// torch.nn.functional.batch_norm, on the fused kernels of bindings/kernels/batchnorm.ts. Training
// normalises with the batch statistics (and updates the running ones in place); eval uses the
// running ones, which makes it a per-channel affine map of x.
import { tensor } from '../creation.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { batchNorm2dBackward, batchNorm2dEvalForward, batchNorm2dTrainForward } from '../kernels/batchnorm.js';
import { checkTensor, numberOption } from '../kernels/spatial.js';
import { requireTensor, withContiguous } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { reshape } from './views.js';
import { defineOptions } from '../options.js';

export interface BatchNormOptions {
  /** gamma (C); absent means 1. */
  weight?: Tensor | null;
  /** beta (C); absent means 0. */
  bias?: Tensor | null;
  /** Batch statistics (true) or the running ones (false, the default, as torch). */
  training?: boolean;
  /** Weight of the batch statistics in the running ones' update. Default 0.1. */
  momentum?: number;
  /** Default 1e-5. */
  eps?: number;
}

const BATCH_NORM = defineOptions<BatchNormOptions>('batchNorm', {
  weight: 'tensor|null', bias: 'tensor|null', training: 'boolean', momentum: 'number', eps: 'number',
});

/** The per-channel mean and 1/sqrt(var + eps) that normalised x, held until the backward. */
interface SavedStats {
  mean: Tensor | null;
  invstd: Tensor | null;
}

interface BatchNormAttrs {
  training: boolean;
  momentum: number;
  eps: number;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  hasWeight: boolean;
  hasBias: boolean;
  saved: SavedStats;
}

/** x, weight and bias from the inputs [x, weight?, bias?]. */
function unpack(inputs: readonly Tensor[], attrs: BatchNormAttrs): [Tensor, Tensor | null, Tensor | null] {
  const weight = attrs.hasWeight ? inputs[1] : null;
  const bias = attrs.hasBias ? inputs[attrs.hasWeight ? 2 : 1] : null;
  return [inputs[0], weight, bias];
}

/** The running statistics as eval normalises with them: the mean, and 1/sqrt(var + eps) per channel. */
function runningStats(attrs: BatchNormAttrs): { mean: Tensor; invstd: Tensor } {
  const mean = attrs.runningMean!.toArray() as Float32Array;
  const variance = attrs.runningVar!.toArray() as Float32Array;
  const invstd = variance.map((v) => 1 / Math.sqrt(v + attrs.eps));
  return { mean: tensor(mean, [mean.length]), invstd: tensor(invstd, [invstd.length]) };
}

registerKernel<BatchNormAttrs>({
  name: 'batchNorm',
  simd: true,
  threaded: true,
  onnx: ['BatchNormalization'],
  options: BATCH_NORM,
  forward: (inputs, attrs) => {
    const recorded = isGradEnabled() && inputs.some((t) => t.requiresGrad);
    return withContiguous(inputs, (contiguousInputs) => {
      const [x, weight, bias] = unpack(contiguousInputs, attrs);
      const { eps, momentum, runningMean, runningVar, saved } = attrs;
      if (!attrs.training) {
        const y = batchNorm2dEvalForward(x, runningMean!, runningVar!, { weight, bias, eps });
        // Copied now: a later training step may update the running statistics before this backward.
        if (recorded) Object.assign(saved, runningStats(attrs));
        return y;
      }
      const { y, mean, invstd } = batchNorm2dTrainForward(x, { weight, bias, runningMean, runningVar, momentum, eps });
      if (recorded) {
        Object.assign(saved, { mean, invstd });
      } else {
        mean.dispose();
        invstd.dispose();
      }
      return y;
    });
  },
});
registerGradient<BatchNormAttrs>({
  name: 'batchNorm',
  // training: the fused backward through the batch statistics; eval: y = (x - mean) * invstd * gamma + beta
  // with constant statistics, so dx = dy * gamma * invstd, and dgamma, dbeta are the same sums as in training
  backward: (dy, { inputs, attrs }) => {
    const { mean, invstd } = attrs.saved;
    if (mean === null || invstd === null) throw new ArgumentError('batchNorm backward: the statistics of the forward are gone');
    attrs.saved.mean = attrs.saved.invstd = null;
    try {
      const [x, weight] = unpack(inputs, attrs);
      const grads = withContiguous([dy, x], ([g, xc]) =>
        batchNorm2dBackward(g, xc, mean, invstd, weight, attrs.training && x.requiresGrad));
      let dx = grads.dx;
      if (!attrs.training && x.requiresGrad) {
        const scale = weight === null ? invstd : mul(weight, invstd);
        dx = mul(dy, reshape(scale, [x.shape[1], ...x.shape.slice(2).map(() => 1)]));
      }
      const out: (Tensor | null)[] = [dx];
      if (attrs.hasWeight) out.push(grads.dweight);
      if (attrs.hasBias) out.push(grads.dbias);
      return out;
    } finally {
      // The statistics were made by the forward, outside this gradient's scope: freed here, by the
      // one backward that reads them.
      mean.dispose();
      invstd.dispose();
    }
  },
});

function optionalVector(op: string, name: string, t: Tensor | null | undefined, C: number): Tensor | null {
  if (t === undefined || t === null) return null;
  requireTensor(op, t, name);
  if (t.ndim !== 1 || t.shape[0] !== C) {
    throw new ShapeError(`${op}: ${name} must have shape [${C}], one per channel of x, got ${formatShape(t.shape)}`);
  }
  return t;
}

/**
 * torch.nn.functional.batch_norm over dim 1 of x (N, C, ...). runningMean and runningVar (C) are
 * needed in eval; in training they may be null, and when given they are updated in place with
 * momentum (the variance with the unbiased batch variance, as torch).
 */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined, options?: BatchNormOptions, ...none: []
): Tensor {
  const opts = BATCH_NORM.parseLast(options, none);
  const training = opts.training ?? false;
  const op = `batchNorm (${training ? 'training' : 'eval'})`;
  requireTensor(op, x, 'x');
  if (x.ndim < 2) throw new ShapeError(`${op}: x must be at least 2-D (N, C, ...), got shape ${formatShape(x.shape)}`);
  const C = x.shape[1];
  const rm = optionalVector(op, 'runningMean', runningMean, C);
  const rv = optionalVector(op, 'runningVar', runningVar, C);
  if ((rm === null) !== (rv === null)) throw new ArgumentError(`${op}: give both runningMean and runningVar, or neither`);
  if (!training && rm === null) throw new ArgumentError(`${op}: eval mode needs runningMean and runningVar`);
  if (rm !== null) checkTensor(op, 'runningMean', rm, 1, `a vector of the ${C} channels`);
  if (rv !== null) checkTensor(op, 'runningVar', rv, 1, `a vector of the ${C} channels`);
  const weight = optionalVector(op, 'weight', opts.weight, C);
  const bias = optionalVector(op, 'bias', opts.bias, C);
  const eps = numberOption(op, 'eps', opts.eps, 1e-5);
  const momentum = numberOption(op, 'momentum', opts.momentum, 0.1);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  const attrs: BatchNormAttrs = {
    training, momentum, eps, runningMean: rm, runningVar: rv,
    hasWeight: weight !== null, hasBias: bias !== null, saved: { mean: null, invstd: null },
  };
  return runOp('batchNorm', inputs, attrs);
}
