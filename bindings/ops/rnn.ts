// The Elman RNN step of torch.nn.RNNCell, composed from primitive ops: h' = act(x W_ih^T + b_ih +
// h W_hh^T + b_hh) with act tanh or relu. A step is two GEMMs and two elementwise passes; a fused
// kernel would save little and need a new wasm task.
import { registerComposite } from '../autograd/registry.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { linear } from './linear.js';
import { relu, tanh } from './unary.js';
import { defineOptions } from '../options.js';

export type Nonlinearity = 'tanh' | 'relu';

/** The nonlinearity's declared type, which the RNN layers share. */
export const NONLINEARITY = "'tanh'|'relu'";

export interface RnnCellOptions {
  /** Default 'tanh'. */
  nonlinearity?: Nonlinearity;
}

export const RNN_CELL = defineOptions<RnnCellOptions>('rnnCell', { nonlinearity: NONLINEARITY });

registerComposite({ name: 'rnnCell', builtFrom: ['linear', 'add', 'tanh', 'relu'], options: RNN_CELL });

/** One step from the input projection `xProj` = x W_ih^T + b_ih (B, H), already computed, and h (B, H). */
export function rnnStep(xProj: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null, nonlinearity: Nonlinearity): Tensor {
  const pre = add(xProj, linear(h, wHh, bHh ?? undefined));
  return nonlinearity === 'relu' ? relu(pre) : tanh(pre);
}

/**
 * One RNN step, as torch.nn.RNNCell: x (B, I), h (B, H), wIh (H, I), wHh (H, H), biases (H) or
 * null; nonlinearity 'tanh' (default) or 'relu'.
 */
export function rnnCell(
  x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor | null = null, bHh: Tensor | null = null,
  ...args: [nonlinearity?: Nonlinearity] | [RnnCellOptions]
): Tensor {
  const { nonlinearity = 'tanh' } = RNN_CELL.fromArguments(args);
  const H = wHh.ndim === 2 ? wHh.shape[1] : -1;
  const fits = wHh.ndim === 2 && wHh.shape[0] === H && x.ndim === 2 && h.ndim === 2 && h.shape[0] === x.shape[0] && h.shape[1] === H;
  if (!fits) {
    throw new ShapeError(
      `rnnCell: x ${formatShape(x.shape)}, h ${formatShape(h.shape)}, wHh ${formatShape(wHh.shape)}; expected x (B, I), h (B, H), wHh (H, H)`,
    );
  }
  return rnnStep(linear(x, wIh, bIh ?? undefined), h, wHh, bHh, nonlinearity);
}
