// Axis arguments: normalising negative axes and viewing a contiguous tensor as (outer, L, inner)
// around an axis, the form the reduction and softmax kernels take.
import { ArgumentError } from '../errors.js';
import { numel, type Shape } from '../shape.js';

/** `axis` in [-ndim, ndim) as a whole number from 0; a 0-d tensor counts as rank 1. */
export function normaliseAxis(op: string, axis: unknown, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ArgumentError(`${op}: axis ${String(axis)} is out of range for a tensor of rank ${ndim}; expected a whole number in [${-rank}, ${rank})`);
  }
  return axis < 0 ? axis + rank : axis;
}

export interface AxisView {
  outer: number;
  len: number;
  inner: number;
}

/** The sizes before `first`, from `first` to `last` inclusive, and after `last`. */
export function axisView(shape: Shape, first: number, last = first): AxisView {
  if (shape.length === 0) return { outer: 1, len: 1, inner: 1 };
  return {
    outer: numel(shape.slice(0, first)),
    len: numel(shape.slice(first, last + 1)),
    inner: numel(shape.slice(last + 1)),
  };
}
