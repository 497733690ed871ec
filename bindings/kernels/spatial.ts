// Argument checks shared by the NCHW kernels (convolution, pooling, upsampling, batch norm):
// PyTorch-style int-or-pair options, paddings, and the tensors the kernels can read.
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';

/** A size per spatial dim, or one for both: [height, width]. */
export type Pair = number | readonly [number, number];

/** One for all sides, [height, width] (both sides alike), or [top, left, bottom, right] as ONNX. */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

/** Padding in pixels per side. */
export interface Sides {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function wholeNumber(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v >= 2 ** 31) {
    throw new ArgumentError(`${op}: ${name} must be a whole number >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** [h, w] from an int or a pair, each at least `min`. */
export function pair(op: string, name: string, value: unknown, min: number): [number, number] {
  if (typeof value === 'number') {
    const v = wholeNumber(op, name, value, min);
    return [v, v];
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ArgumentError(`${op}: ${name} must be a number or a pair [h, w], got ${JSON.stringify(value)}`);
  }
  return [wholeNumber(op, `${name}[0]`, value[0], min), wholeNumber(op, `${name}[1]`, value[1], min)];
}

export function sides(op: string, value: unknown): Sides {
  if (Array.isArray(value) && value.length === 4) {
    const [top, left, bottom, right] = value.map((v, i) => wholeNumber(op, `padding[${i}]`, v, 0));
    return { top, left, bottom, right };
  }
  if (Array.isArray(value) && value.length !== 2) {
    throw new ArgumentError(
      `${op}: padding must be a number, [h, w] or [top, left, bottom, right], got ${JSON.stringify(value)}`,
    );
  }
  const [h, w] = pair(op, 'padding', value, 0);
  return { top: h, left: w, bottom: h, right: w };
}

/** A live, contiguous float32 tensor of `ndim` dims (or at least `ndim` with `orMore`). */
export function checkTensor(op: string, name: string, t: unknown, ndim: number, expect: string, orMore = false): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${String(t)}`);
  t.assertAlive(op);
  if (t.dtype !== 'float32') {
    throw new DTypeError(`${op}: ${name} must be float32, got ${t.dtype} (shape ${formatShape(t.shape)})`);
  }
  if (orMore ? t.ndim < ndim : t.ndim !== ndim) {
    throw new ShapeError(`${op}: ${name} must be ${expect}, got shape ${formatShape(t.shape)}`);
  }
  if (!t.isContiguous()) {
    throw new ShapeError(
      `${op}: ${name} of shape ${formatShape(t.shape)} has strides ${formatShape(t.strides)}; make it contiguous first`,
    );
  }
  return t;
}

/** Checks that `t` has exactly `shape`, naming what that shape stands for. */
export function checkShapeIs(op: string, name: string, t: Tensor, shape: readonly number[], why: string): void {
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${name} must have shape ${formatShape(shape)} (${why}), got ${formatShape(t.shape)}`);
  }
}

/** A float option: a finite number, or the fallback when absent. */
export function numberOption(op: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(`${op}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}
