// Elementwise kernels: unary maps and their fused backward, broadcasting binary ops, where().
// Validated and allocating, with no autograd: the ops layer builds on these.
import { empty } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { binaryTask, unaryBackwardTask, unaryTask, whereTask } from '../runtime/generated/kernel-args.js';
import { BACKWARD_INPUT, BINARY_OPS, UNARY_COST, UNARY_OPS, type BinaryOp, type UnaryOp } from '../runtime/generated/ops.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, collapse, uncollapsed } from './broadcast.js';
import { requireFloat32, requireTensor, taskFor, withContiguous, type KernelChoice } from './operands.js';

export { BACKWARD_INPUT, BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp };

export interface UnaryParams {
  /** leaky_relu's negative slope, default 0.01. */
  slope?: number;
  /** affine: y = a x + b, defaults 1 and 0. */
  a?: number;
  b?: number;
  /** clamp's bounds, defaults -Infinity and Infinity. */
  lo?: number;
  hi?: number;
}

function checkUnaryOp(op: string, what: string): void {
  if (!Object.hasOwn(UNARY_OPS, op)) {
    throw new ArgumentError(`${what}: unknown op ${String(op)}; expected one of ${Object.keys(UNARY_OPS).join(', ')}`);
  }
}

function param(op: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ArgumentError(`${op}: parameter ${name} must be a number, got ${String(value)}`);
  }
  return value;
}

/** The two float parameters the kernel reads, p0 and p1. */
function unaryParams(op: UnaryOp, params: UnaryParams): [number, number] {
  switch (op) {
    case 'leaky_relu': return [param(op, 'slope', params.slope, 0.01), 0];
    case 'affine': return [param(op, 'a', params.a, 1), param(op, 'b', params.b, 0)];
    case 'clamp': return [param(op, 'lo', params.lo, -Infinity), param(op, 'hi', params.hi, Infinity)];
    default: return [0, 0];
  }
}

/** y = f(x) for a float32 tensor; a new contiguous tensor of x's shape. */
export function unary(op: UnaryOp, x: Tensor, params: UnaryParams = {}, kernel: KernelChoice = 'simd'): Tensor {
  checkUnaryOp(op, 'unary');
  requireTensor(op, x, 'x');
  requireFloat32(op, x, 'x');
  const [p0, p1] = unaryParams(op, params);
  return withContiguous([x], ([xc]) => {
    const out = empty(x.shape);
    if (out.size > 0) {
      unaryTask(taskFor('unary_f32', kernel), { out: out.ptr(), x: xc.ptr(op), n: out.size, op, p0, p1 },
        out.size * UNARY_COST[op]);
    }
    return out;
  });
}

/** dx = dy * f'(v), v being x or y as BACKWARD_INPUT[op] says; dy and v have the same shape. */
export function unaryBackward(op: UnaryOp, dy: Tensor, xOrY: Tensor, params: UnaryParams = {}, kernel: KernelChoice = 'simd'): Tensor {
  checkUnaryOp(op, 'unaryBackward');
  const name = `${op} backward`;
  requireTensor(name, dy, 'dy');
  requireTensor(name, xOrY, BACKWARD_INPUT[op]);
  requireFloat32(name, dy, 'dy');
  requireFloat32(name, xOrY, BACKWARD_INPUT[op]);
  if (!sameShape(dy.shape, xOrY.shape)) {
    throw new ShapeError(
      `${name}: dy has shape ${formatShape(dy.shape)} but ${BACKWARD_INPUT[op]} has ${formatShape(xOrY.shape)}; expected the same`,
    );
  }
  const [p0, p1] = unaryParams(op, params);
  return withContiguous([dy, xOrY], ([g, v]) => {
    const out = empty(dy.shape);
    if (out.size > 0) {
      unaryBackwardTask(taskFor('unary_backward_f32', kernel), { dx: out.ptr(), dy: g.ptr(name), v: v.ptr(name), n: out.size, op, p0, p1 },
        out.size * (UNARY_COST[op] + 1));
    }
    return out;
  });
}

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const FLOAT_ONLY: ReadonlySet<BinaryOp> = new Set(['div', 'pow']);

/**
 * a (op) b with NumPy broadcasting; a new contiguous tensor of the broadcast shape. Both float32,
 * or both int32 (add, sub, mul wrap like int32 arithmetic; maximum, minimum, comparisons; not div
 * or pow). Comparisons give float32 1/0.
 */
export function binary(op: BinaryOp, a: Tensor, b: Tensor, kernel: KernelChoice = 'simd'): Tensor {
  if (!Object.hasOwn(BINARY_OPS, op)) {
    throw new ArgumentError(`binary: unknown op ${String(op)}; expected one of ${Object.keys(BINARY_OPS).join(', ')}`);
  }
  requireTensor(op, a, 'a');
  requireTensor(op, b, 'b');
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: operands are ${a.dtype} ${formatShape(a.shape)} and ${b.dtype} ${formatShape(b.shape)}; expected the same dtype`,
    );
  }
  if (a.dtype === 'int32' && FLOAT_ONLY.has(op)) {
    throw new DTypeError(`${op}: int32 operands are not supported; expected float32`);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = empty(shape, COMPARISONS.has(op) ? 'float32' : a.dtype);
  if (out.size === 0) return out;
  withContiguous([a, b], ([ac, bc]) => {
    const strides = [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)];
    const layout = kernel === 'simd' ? collapse(shape, strides) : uncollapsed(shape, strides);
    const task = taskFor(a.dtype === 'int32' ? 'binary_i32' : 'binary_f32', kernel);
    binaryTask(task, {
      out: out.ptr(), a: ac.ptr(op), b: bc.ptr(op), op,
      shape: layout.shape, aStrides: layout.strides[0], bStrides: layout.strides[1],
    }, out.size * (op === 'pow' ? 30 : 1));
  });
  return out;
}

/** cond ? a : b elementwise with broadcasting over all three. cond is float32 or int32 (true where
 * nonzero; -0 is false); a and b share a dtype, which the result has. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  requireTensor('where', cond, 'cond');
  requireTensor('where', a, 'a');
  requireTensor('where', b, 'b');
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`where: a is ${a.dtype} and b is ${b.dtype}; expected the same dtype`);
  }
  const shape = broadcastShapes('where', cond.shape, a.shape, b.shape);
  const out = empty(shape, a.dtype);
  if (out.size === 0) return out;
  withContiguous([cond, a, b], ([cc, ac, bc]) => {
    const layout = collapse(shape, [cond, a, b].map((t) => broadcastStrides(t.shape, shape)));
    whereTask('where', {
      out: out.ptr(), cond: cc.ptr('where'), a: ac.ptr('where'), b: bc.ptr('where'), condIsInt: cond.dtype === 'int32',
      shape: layout.shape, condStrides: layout.strides[0], aStrides: layout.strides[1], bStrides: layout.strides[2],
    }, out.size);
  });
  return out;
}

