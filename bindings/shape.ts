// Shape arithmetic and checks shared by every op. Bad shapes are refused here, before any byte
// of wasm memory is touched.
import { ShapeError, formatShape } from './errors.js';

export type Shape = readonly number[];

/** The largest element count a tensor may have: its bytes must fit the 2 GiB memory. */
export const MAX_ELEMENTS = 2 ** 29;

export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: expected a shape array, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape ${formatShape(shape)} has dimension ${String(d)}; expected whole numbers >= 0`,
      );
    }
  }
  const n = numel(shape);
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(`${op}: shape ${formatShape(shape)} has ${n} elements; at most ${MAX_ELEMENTS} fit in memory`);
  }
  return [...shape];
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
