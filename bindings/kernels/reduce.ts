// Reductions over axes of a float32 tensor, and sumTo, which folds a broadcast gradient back to
// an operand's shape. Validated and allocating, with no autograd.
import { empty } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { reduceCombineTask, reducePartialTask, reduceTask } from '../runtime/generated/kernel-args.js';
import { REDUCE_OPS, type ReduceOp } from '../runtime/generated/ops.js';
import { engine } from '../runtime/engine.js';
import { checkShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { axisView, normaliseAxis } from './axis.js';
import { broadcastShapes } from './broadcast.js';
import { contiguous } from './copy.js';
import { adoptAs, viewAs, requireFloat32, requireTensor, taskFor, withContiguous, type KernelChoice } from './operands.js';

export { REDUCE_OPS, type ReduceOp };

/**
 * Rows at least this long may be split over threads at depth 4 of their pairwise tree, with the
 * same bits as one thread (assembly/reduce.ts explains why 8192).
 */
export const PARALLEL_MIN_LEN = 8192;
const PARTS = 16;

/** Axes in increasing order without repeats; undefined means all of them. */
function normaliseAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: Math.max(ndim, 1) }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ArgumentError(`${op}: expected an axis or a non-empty list of axes, got ${String(axis)}`);
  }
  const axes = list.map((a) => normaliseAxis(op, a, ndim)).sort((p, q) => p - q);
  if (axes.some((a, i) => i > 0 && a === axes[i - 1])) {
    throw new ArgumentError(`${op}: axes ${formatShape(list)} repeat an axis`);
  }
  return axes;
}

/** Runs of adjacent axes, each reduced by one kernel call as (outer, len, inner). */
function runsOf(axes: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  return runs;
}

/** One kernel reduction of contiguous x over dims [first, last]; the result keeps them as size 1. */
function reduceRun(op: ReduceOp, x: Tensor, first: number, last: number, kernel: KernelChoice): Tensor {
  const { outer, len, inner } = axisView(x.shape, first, last);
  const shape = x.shape.map((d, i) => (i >= first && i <= last ? 1 : d));
  const out = empty(shape, op === 'argmax' || op === 'argmin' ? 'int32' : 'float32');
  if (out.size === 0) return out;
  const arg = op === 'argmax' || op === 'argmin';
  if (kernel === 'simd' && !arg && inner === 1 && len >= PARALLEL_MIN_LEN && outer < engine().threads) {
    const partials = empty([outer, PARTS]);
    try {
      reducePartialTask('reduce_partial_f32', { partials: partials.ptr(), x: x.ptr(op), rows: outer, len, op }, outer * len);
      reduceCombineTask('reduce_combine_f32', { out: out.ptr(), partials: partials.ptr(), rows: outer, len, op }, outer * PARTS);
    } finally {
      partials.dispose();
    }
    return out;
  }
  reduceTask(taskFor('reduce_f32', kernel), { out: out.ptr(), x: x.ptr(op), outer, len, inner, op }, x.size * (arg ? 2 : 1));
  return out;
}

/**
 * Reduces float32 `x` over `axis` (a number, a list, or undefined for all axes). With `keepdim`
 * the reduced axes stay as size 1. argmax/argmin take one axis, or none for the index into the
 * flattened tensor. Several axes are reduced run by run of adjacent axes (mean as a mean of means).
 */
export function reduce(op: ReduceOp, x: Tensor, axis?: number | readonly number[], keepdim = false, kernel: KernelChoice = 'simd'): Tensor {
  if (!(op in REDUCE_OPS)) {
    throw new ArgumentError(`reduce: unknown op ${String(op)}; expected one of ${Object.keys(REDUCE_OPS).join(', ')}`);
  }
  requireTensor(op, x, 'x');
  requireFloat32(op, x, 'x');
  const arg = op === 'argmax' || op === 'argmin';
  if (typeof keepdim !== 'boolean') throw new ArgumentError(`${op}: keepdim must be a boolean, got ${String(keepdim)}`);
  if (arg && Array.isArray(axis) && axis.length > 1) {
    throw new ArgumentError(`${op}: takes one axis or none, got ${formatShape(axis)}`);
  }
  const axes = normaliseAxes(op, axis, x.ndim);
  const extreme = op !== 'sum' && op !== 'mean' && op !== 'sumsq';
  if (extreme && axes.some((a) => x.ndim > 0 && x.shape[a] === 0)) {
    throw new ShapeError(`${op}: cannot reduce an empty axis of shape ${formatShape(x.shape)}; expected size >= 1 on axes ${formatShape(axes)}`);
  }
  const flatten = arg && axis === undefined;
  const keptShape = x.ndim === 0 ? [] : x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepdim ? keptShape : x.shape.filter((_, i) => !axes.includes(i));
  return withContiguous([x], ([xc]) => {
    const source = flatten ? viewAs(xc, [x.size]) : xc;
    const runs = flatten ? [[0, 0] as [number, number]] : runsOf(axes);
    let current = source;
    // Last run first, so the earlier runs' axis numbers still hold.
    for (let r = runs.length - 1; r >= 0; r--) {
      const next = reduceRun(op, current, runs[r][0], runs[r][1], kernel);
      if (current !== source) current.dispose();
      current = next;
    }
    // With no axis to reduce, the result is a copy: never the caller's own tensor.
    const result = current === source ? contiguous(source) : current;
    if (source !== xc) source.dispose();
    return adoptAs(result, shape);
  });
}

/**
 * Sums `x` down to `shape`, a shape that broadcasts to x's: the gradient of a broadcasting op
 * with respect to an operand of that shape. Always a new tensor.
 */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('sumTo', x, 'x');
  requireFloat32('sumTo', x, 'x');
  const target = checkShape('sumTo', shape);
  const grown = broadcastShapes('sumTo', target, x.shape);
  if (!sameShape(grown, x.shape)) {
    throw new ShapeError(`sumTo: shape ${formatShape(target)} does not broadcast to ${formatShape(x.shape)}; expected it to`);
  }
  const lead = x.ndim - target.length;
  const axes = x.shape.map((_, i) => i).filter((i) => i < lead || (target[i - lead] === 1 && x.shape[i] !== 1));
  if (axes.length === 0) return adoptAs(contiguous(x), target);
  return adoptAs(reduce('sum', x, axes, false), target);
}
