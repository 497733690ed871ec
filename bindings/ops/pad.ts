// torch.nn.functional.pad, composed: constant padding joins blocks of the fill value to x (cat),
// negative amounts crop (narrow); reflect, replicate and circular padding pick source positions
// with indexSelect along each padded dim. Gradients come from cat, narrow and indexSelect.
import { registerComposite } from '../autograd/registry.js';
import { full, tensor } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { requireTensor } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { composed } from './composite.js';
import { indexSelect } from './indexing.js';
import { cat } from './join.js';
import { narrow, reshape } from './views.js';
import { defineOptions } from '../options.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  /** Default 'constant'. */
  mode?: PadMode;
  /** The fill of constant padding; default 0. */
  value?: number;
}

export const PAD = defineOptions<PadOptions>('pad', { mode: "'constant'|'reflect'|'replicate'|'circular'", value: 'number' });

/** Where output position j (from -before) of a dim of `size` reads, for the index-picking modes. */
function source(mode: PadMode, j: number, size: number): number {
  if (mode === 'replicate') return Math.min(Math.max(j, 0), size - 1);
  if (mode === 'circular') return ((j % size) + size) % size;
  // reflect: mirrored about the first and last elements, which are not repeated
  const period = 2 * (size - 1);
  const m = period === 0 ? 0 : ((j % period) + period) % period;
  return m < size ? m : period - m;
}

/** Throws unless `mode` can pad a dim of `size` by `before` and `after`. */
function checkAmounts(mode: PadMode, dim: number, size: number, before: number, after: number, x: Tensor): void {
  const what = `pad: ${mode} padding of [${before}, ${after}] on dim ${dim} of x ${formatShape(x.shape)}`;
  if (mode === 'constant') {
    if (size + before + after < 0) throw new ShapeError(`${what} crops more than the dim holds`);
    return;
  }
  if (before < 0 || after < 0) throw new ArgumentError(`${what}: only constant padding may be negative`);
  const limit = mode === 'reflect' ? size - 1 : mode === 'circular' ? size : Infinity;
  if (size === 0 || before > limit || after > limit) {
    const rule = mode === 'reflect' ? 'smaller than the dim' : mode === 'circular' ? 'at most the dim' : 'on a non-empty dim';
    throw new ShapeError(`${what}: ${mode} padding must be ${rule}`);
  }
}

function constantPad(x: Tensor, dim: number, before: number, after: number, value: number): Tensor {
  const size = x.shape[dim];
  const cropBefore = Math.max(0, -before);
  const kept = narrow(x, dim, cropBefore, size - cropBefore - Math.max(0, -after));
  const block = (n: number) => {
    const shape = [...x.shape];
    shape[dim] = n;
    return full(shape, value, x.dtype);
  };
  const parts = [before > 0 ? block(before) : null, kept, after > 0 ? block(after) : null].filter((p): p is Tensor => p !== null);
  return parts.length === 1 ? kept : cat(parts, dim);
}

function pickedPad(x: Tensor, dim: number, before: number, after: number, mode: PadMode): Tensor {
  const size = x.shape[dim];
  const positions = Int32Array.from({ length: before + size + after }, (_, j) => source(mode, j - before, size));
  return indexSelect(x, dim, tensor(positions, [positions.length], 'int32'));
}

/**
 * torch.nn.functional.pad, pad(x, padding, mode?, value?) or pad(x, padding, { mode, value }):
 * `padding` lists [before, after] amounts from the last dim backwards —
 * [left, right, top, bottom, front, back] — for up to every dim of x. Constant padding fills with
 * `value` and may be negative (cropping); reflect mirrors without repeating the edge (amounts
 * below the dim's size), replicate repeats the edge, circular wraps around (at most the size).
 */
export function pad(x: Tensor, padding: readonly number[], ...args: [mode?: PadMode, value?: number] | [PadOptions]): Tensor {
  const op = 'pad';
  requireTensor(op, x, 'x');
  // torch's F.pad(x, pad, mode, value) by position, or one { mode, value } object
  const opts = PAD.fromArguments(args);
  const mode = opts.mode ?? 'constant';
  const value = opts.value ?? 0;
  // The declaration's number admits NaN, which would fill the padding with NaN unnoticed.
  if (Number.isNaN(value)) throw new ArgumentError(`${op}: value must be a number, got ${String(value)}`);
  if (mode !== 'constant' && opts.value !== undefined) throw new ArgumentError(`${op}: value applies to constant padding only, not ${mode}`);
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.length > 2 * x.ndim ||
    padding.some((p) => !Number.isInteger(p))) {
    throw new ArgumentError(
      `${op}: padding must be an even-length list of whole numbers, at most 2 per dim of x ${formatShape(x.shape)}, got ${JSON.stringify(padding)}`,
    );
  }
  for (let k = 0; k < padding.length / 2; k++) {
    const dim = x.ndim - 1 - k;
    checkAmounts(mode, dim, x.shape[dim], padding[2 * k], padding[2 * k + 1], x);
  }
  return composed([x], () => {
    let y = x;
    for (let k = 0; k < padding.length / 2; k++) {
      const [dim, before, after] = [x.ndim - 1 - k, padding[2 * k], padding[2 * k + 1]];
      if (before === 0 && after === 0) continue;
      y = mode === 'constant' ? constantPad(y, dim, before, after, value) : pickedPad(y, dim, before, after, mode);
    }
    return y === x ? reshape(x, x.shape) : y;
  });
}
registerComposite({ name: 'pad', builtFrom: ['narrow', 'cat', 'indexSelect', 'reshape'], options: PAD });
