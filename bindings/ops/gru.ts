// The GRU step of torch.nn.GRUCell, composed from primitive ops: gates r, z, n in that order,
// with r applied to the recurrent half of n only (PyTorch's variant, not the original paper's).
import { registerComposite } from '../autograd/registry.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './arithmetic.js';
import { split } from './join.js';
import { linear } from './linear.js';
import { sigmoid, tanh } from './unary.js';
import { defineOptions } from '../options.js';

interface Biases {
  bIh?: Tensor | null;
  bHh?: Tensor | null;
}
const GRU_CELL = defineOptions<Biases>('gruCell', { bIh: 'tensor|null', bHh: 'tensor|null' });

registerComposite({ name: 'gruCell', builtFrom: ['linear', 'add', 'split', 'sigmoid', 'tanh', 'mul', 'sub'], options: GRU_CELL });

/**
 * One step from the input projection `xProj` = x W_ih^T + b_ih (B, 3H), already computed (the GRU
 * layer projects every step in one GEMM), and h (B, H).
 */
export function gruStep(xProj: Tensor, h: Tensor, wHh: Tensor, bHh: Tensor | null): Tensor {
  const H = h.shape[1];
  const [xr, xz, xn] = split(xProj, H, 1);
  const [hr, hz, hn] = split(linear(h, wHh, bHh ?? undefined), H, 1);
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  // h' = (1 - z) n + z h = n + z (h - n)
  return add(n, mul(z, sub(h, n)));
}

/** One GRU step, as torch.nn.GRUCell: x (B, I), h (B, H), wIh (3H, I), wHh (3H, H), biases (3H). */
export function gruCell(
  x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, ...biases: [bIh?: Tensor | null, bHh?: Tensor | null] | [Biases]
): Tensor {
  const { bIh = null, bHh = null } = GRU_CELL.fromArguments(biases);
  const H = wHh.ndim === 2 ? wHh.shape[1] : -1;
  const fits = wHh.ndim === 2 && wHh.shape[0] === 3 * H && x.ndim === 2 && h.ndim === 2 && h.shape[0] === x.shape[0] && h.shape[1] === H;
  if (!fits) {
    throw new ShapeError(
      `gruCell: x ${formatShape(x.shape)}, h ${formatShape(h.shape)}, wHh ${formatShape(wHh.shape)}; expected x (B, I), h (B, H), wHh (3H, H)`,
    );
  }
  return gruStep(linear(x, wIh, bIh ?? undefined), h, wHh, bHh);
}
