// Views: new shapes, strides and offsets over the same storage, no copy. Kernels read strided
// inputs through contiguous(), so a view costs a copy only where a kernel needs one.
import { contiguous as contiguousKernel, copyInto } from '../kernels/copy.js';
import { registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { zeros } from '../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../errors.js';
import { contiguousStrides, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { rawView } from '../kernels/operands.js';
import { sumTo } from '../kernels/reduce.js';
import { defineOptions, noOptions } from '../options.js';

const RESHAPE = defineOptions<{ shape?: readonly number[] }>('reshape', { shape: 'number[]' }, ['shape']);
const FLATTEN = defineOptions<{ startDim?: number; endDim?: number }>('flatten', { startDim: 'number', endDim: 'number' });
const UNSQUEEZE = defineOptions<{ dim?: number }>('unsqueeze', { dim: 'number' }, ['dim']);
const SQUEEZE = defineOptions<{ dim?: number }>('squeeze', { dim: 'number' });
const PERMUTE = defineOptions<{ dims?: readonly number[] }>('permute', { dims: 'number[]' }, ['dims']);
const TRANSPOSE = defineOptions<{ dim0?: number; dim1?: number }>('transpose', { dim0: 'number', dim1: 'number' });
const NARROW = defineOptions<{ dim?: number; start?: number; length?: number }>(
  'narrow', { dim: 'number', start: 'number', length: 'number' }, ['dim', 'start', 'length'],
);
const EXPAND = defineOptions<{ shape?: readonly number[] }>('expand', { shape: 'number[]' }, ['shape']);
const CONTIGUOUS = noOptions('contiguous');
const VIEW = defineOptions<{ shape?: readonly number[] }>('view', { shape: 'number[]' }, ['shape']);
const CLONE = noOptions('clone');
const T = noOptions('t');

/** Normalises a possibly negative dim, naming the op and the shape when it is out of range. */
export function normDim(op: string, dim: number, ndim: number): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
    throw new ArgumentError(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dims`);
  }
  return dim < 0 ? dim + ndim : dim;
}

function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new ShapeError(`${op}: bad target shape ${formatShape(shape)}: whole numbers >= 0 and at most one -1`);
  }
  if (unknown >= 0) {
    const known = numel(out.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
    }
    out[unknown] = x.size / known;
  }
  if (numel(out) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`);
  }
  return out;
}

registerKernel({
  name: 'reshape',
  simd: false,
  threaded: false,
  onnx: ['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze'],
  method: true,
  options: RESHAPE,
  forward: ([x], { shape }) => {
    if (x.isContiguous()) return rawView(x, shape, x.offset, contiguousStrides(shape));
    const c = contiguousKernel(x);
    const v = rawView(c, shape, 0, contiguousStrides(shape));
    c.dispose();
    return v;
  },
});
registerGradient({ name: 'reshape', backward: (dy, { inputs: [x] }) => [reshape(dy, x.shape)] });

/** The same elements in a new shape; one dim may be -1 and is then inferred. */
export function reshape(x: Tensor, ...args: [shape: readonly number[]] | [{ shape: readonly number[] }]): Tensor {
  const { shape } = RESHAPE.fromArguments(args);
  return runOp('reshape', [x], { shape: inferShape('reshape', x, shape!) });
}

/** reshape for a contiguous tensor only, as torch.Tensor.view: it never copies, so a strided view is refused. */
export function view(x: Tensor, ...args: [shape: readonly number[]] | [{ shape: readonly number[] }]): Tensor {
  const shape = VIEW.fromArguments(args).shape!;
  if (!x.isContiguous()) {
    throw new ShapeError(
      `view: the tensor of shape ${formatShape(x.shape)} with strides ${formatShape(x.strides)} is not contiguous, ` +
        `so it cannot be viewed as ${formatShape(shape)} without a copy; use reshape`,
    );
  }
  return reshape(x, shape);
}

/** Flattens dims startDim..endDim (by default all) into one. */
export function flatten(x: Tensor, ...args: [startDim?: number, endDim?: number] | [{ startDim?: number; endDim?: number }]): Tensor {
  const { startDim = 0, endDim = -1 } = FLATTEN.fromArguments(args);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim);
  const e = normDim('flatten', endDim, x.ndim);
  if (s > e) throw new ArgumentError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

export function unsqueeze(x: Tensor, ...args: [dim: number] | [{ dim: number }]): Tensor {
  const dim = UNSQUEEZE.fromArguments(args).dim!;
  const d = normDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Drops the given size-1 dim, or every size-1 dim. */
export function squeeze(x: Tensor, ...args: [dim?: number] | [{ dim?: number }]): Tensor {
  const { dim } = SQUEEZE.fromArguments(args);
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normDim('squeeze', dim, x.ndim);
  return x.shape[d] === 1 ? reshape(x, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]) : reshape(x, x.shape);
}
for (const [name, options] of [['view', VIEW], ['flatten', FLATTEN], ['unsqueeze', UNSQUEEZE], ['squeeze', SQUEEZE]] as const) {
  registerComposite({ name, builtFrom: ['reshape'], method: true, options });
}

registerKernel({
  name: 'permute',
  simd: false,
  threaded: false,
  onnx: ['Transpose'],
  method: true,
  options: PERMUTE,
  forward: ([x], { dims }) => rawView(x, dims.map((d: number) => x.shape[d]), x.offset, dims.map((d: number) => x.strides[d])),
});
registerGradient<{ dims: number[] }>({
  name: 'permute',
  backward: (dy, { attrs: { dims } }) => {
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => (inverse[d] = i));
    return [permute(dy, inverse)];
  },
});

/** Reorders the dims: output dim i is input dim dims[i]. */
export function permute(x: Tensor, ...args: [dims: readonly number[]] | [{ dims: readonly number[] }]): Tensor {
  const dims = PERMUTE.fromArguments(args).dims!;
  const norm = dims.map((d) => normDim('permute', d, x.ndim));
  if (norm.length !== x.ndim || new Set(norm).size !== x.ndim) {
    throw new ArgumentError(`permute: [${dims.join(', ')}] is not a permutation of the ${x.ndim} dims of ${formatShape(x.shape)}`);
  }
  return runOp('permute', [x], { dims: norm });
}

/** Swaps two dims (by default the last two). */
export function transpose(x: Tensor, ...args: [dim0?: number, dim1?: number] | [{ dim0?: number; dim1?: number }]): Tensor {
  const { dim0 = -2, dim1 = -1 } = TRANSPOSE.fromArguments(args);
  const dims = x.shape.map((_, i) => i);
  const a = normDim('transpose', dim0, x.ndim);
  const b = normDim('transpose', dim1, x.ndim);
  [dims[a], dims[b]] = [dims[b], dims[a]];
  return permute(x, dims);
}
registerComposite({ name: 'transpose', builtFrom: ['permute'], method: true, options: TRANSPOSE });

/** The matrix transpose, as torch.t: dims 0 and 1 of a 2-D tensor swapped; 0-D and 1-D are returned as they are. */
export function t(x: Tensor, ...none: []): Tensor {
  T.fromArguments(none);
  if (x.ndim > 2) {
    throw new ShapeError(`t: expects a tensor with at most 2 dims, got ${formatShape(x.shape)} (${x.ndim} dims); use transpose(dim0, dim1) or permute`);
  }
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}
registerComposite({ name: 't', builtFrom: ['transpose'], method: true, options: T });

registerKernel({
  name: 'narrow',
  simd: false,
  threaded: false,
  onnx: ['Slice'],
  method: true,
  options: NARROW,
  forward: ([x], { dim, start, length }) => {
    const shape = [...x.shape];
    shape[dim] = length;
    return rawView(x, shape, x.offset + start * x.strides[dim], x.strides);
  },
});
registerGradient<{ dim: number; start: number }>({
  name: 'narrow',
  backward: (dy, { inputs: [x], attrs: { dim, start } }) => {
    const dx = zeros(x.shape);
    copyInto(dy, rawView(dx, dy.shape, start * dx.strides[dim], dx.strides));
    return [dx];
  },
});

/** Elements start..start+length-1 along dim, as a view. */
export function narrow(
  x: Tensor, ...args: [dim: number, start: number, length: number] | [{ dim: number; start: number; length: number }]
): Tensor {
  const { dim, start, length } = NARROW.fromArguments(args) as { dim: number; start: number; length: number };
  const d = normDim('narrow', dim, x.ndim);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new ArgumentError(
      `narrow: start ${start} and length ${length} do not fit dim ${dim} of size ${size} in ${formatShape(x.shape)}`,
    );
  }
  return runOp('narrow', [x], { dim: d, start: s, length });
}

registerKernel({
  name: 'expand',
  simd: false,
  threaded: false,
  onnx: ['Expand'],
  method: true,
  options: EXPAND,
  forward: ([x], { shape }) => {
    const lead = shape.length - x.ndim;
    const strides = shape.map((_: number, i: number) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]));
    return rawView(x, shape, x.offset, strides);
  },
});
registerGradient({ name: 'expand', backward: (dy, { inputs: [x] }) => [sumTo(dy, x.shape)] });

/** Broadcasts size-1 (or missing leading) dims to `shape` without copying; -1 keeps a dim. */
export function expand(x: Tensor, ...args: [shape: readonly number[]] | [{ shape: readonly number[] }]): Tensor {
  const shape = EXPAND.fromArguments(args).shape!;
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  const fits =
    lead >= 0 &&
    target.every((d) => Number.isInteger(d) && d >= 0) &&
    x.shape.every((d, i) => d === 1 || d === target[i + lead]);
  if (!fits) throw new ShapeError(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`);
  return runOp('expand', [x], { shape: target });
}

registerKernel({
  name: 'contiguous',
  simd: false,
  threaded: true,
  method: true,
  options: CONTIGUOUS,
  forward: ([x]) => contiguousKernel(x),
});
registerGradient({ name: 'contiguous', backward: (dy) => [dy] });

/** x itself when already row-major and dense, else a row-major copy. */
export function contiguous(x: Tensor, ...none: []): Tensor {
  CONTIGUOUS.fromArguments(none);
  return x.isContiguous() ? x : runOp('contiguous', [x]);
}

/** A row-major copy that gradients flow through, as torch.clone: unlike contiguous(), always new memory. */
export function clone(x: Tensor, ...none: []): Tensor {
  CLONE.fromArguments(none);
  return runOp('contiguous', [x]);
}
registerComposite({ name: 'clone', builtFrom: ['contiguous'], method: true, options: CLONE });
