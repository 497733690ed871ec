// Reductions over dims: sum, mean, max, min, and the index ops argmax/argmin.
import { reduce } from '../kernels/reduce.js';
import { binary, unary } from '../kernels/elementwise.js';
import { contiguous as contiguousKernel } from '../kernels/copy.js';
import { viewAs } from '../kernels/operands.js';
import { expectFloat, markNonDifferentiable, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { Tensor } from '../tensor.js';
import { normDim } from './views.js';
import { defineOptions } from '../options.js';

export type Dims = number | readonly number[] | undefined;

/** The dims to reduce, sorted; none given (or an empty list, as in PyTorch) means all of them. */
function normDims(op: string, dims: Dims, ndim: number): number[] {
  const list = (typeof dims === 'number' ? [dims] : [...(dims ?? [])]).map((d) => normDim(op, d, ndim));
  if (list.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  return [...new Set(list)].sort((a, b) => a - b);
}

/**
 * dy (reduced over `dims`, kept or not) broadcast back to `shape` and materialised. Gradients
 * call it, so the views it makes on the way are freed by backward's scope.
 */
function spread(dy: Tensor, shape: readonly number[], dims: readonly number[]): Tensor {
  const src = dy.isContiguous() ? dy : contiguousKernel(dy);
  const kept = viewAs(src, shape.map((d, i) => (dims.includes(i) ? 1 : d)));
  kept.storage.retain();
  return contiguousKernel(new Tensor(kept.storage, shape, 'float32', kept.strides.map((s, i) => (dims.includes(i) ? 0 : s)), kept.offset));
}

interface ReduceAttrs {
  dims: number[];
  keepdim: boolean;
}

export interface ReduceOptions {
  /** The dims to reduce; all of them when absent, null or empty. */
  dim?: Dims | null;
  keepdim?: boolean;
}

const REDUCERS = ['sum', 'mean', 'max', 'min'] as const;
const REDUCE_OPTIONS = new Map(REDUCERS.map((name) => [name, defineOptions<ReduceOptions>(name, { dim: 'number|number[]|null', keepdim: 'boolean' })]));

for (const [name, onnx] of [['sum', 'ReduceSum'], ['mean', 'ReduceMean'], ['max', 'ReduceMax'], ['min', 'ReduceMin']] as const) {
  registerKernel<ReduceAttrs>({
    name,
    simd: true,
    threaded: true,
    onnx: [onnx],
    method: true,
    options: REDUCE_OPTIONS.get(name),
    forward: ([x], { dims, keepdim }) => {
      expectFloat(name, x);
      // A 0-d tensor has no dims: the kernel reads `undefined` as "everything".
      return reduce(name, x, dims.length === 0 ? undefined : dims, keepdim);
    },
  });
}

registerGradient<ReduceAttrs>({
  name: 'sum',
  // out = sum over dims of x: every x element gets dy of its output
  backward: (dy, { inputs: [x], attrs: { dims } }) => [spread(dy, x.shape, dims)],
});

registerGradient<ReduceAttrs>({
  name: 'mean',
  // out = sum(x) / count
  backward: (dy, { inputs: [x], attrs: { dims } }) => {
    const count = dims.reduce((n, d) => n * x.shape[d], 1);
    return [unary('affine', spread(dy, x.shape, dims), { a: 1 / count, b: 0 })];
  },
});

for (const name of ['max', 'min'] as const) {
  registerGradient<ReduceAttrs>({
    name,
    // The gradient goes to every element equal to the extreme (ties share the full gradient,
    // as a subgradient; PyTorch picks one index for dim-wise max).
    backward: (dy, { inputs: [x], output, attrs: { dims } }) => {
      const mask = binary('eq', x, spread(output, x.shape, dims));
      return [binary('mul', spread(dy, x.shape, dims), mask)];
    },
  });
}

const reducer = (name: (typeof REDUCERS)[number]) => {
  const options = REDUCE_OPTIONS.get(name)!;
  return (x: Tensor, ...args: [dim?: Dims | null, keepdim?: boolean] | [ReduceOptions]): Tensor => {
    const { dim, keepdim = false } = options.fromArguments(args);
    return runOp(name, [x], { dims: normDims(name, dim ?? undefined, x.ndim), keepdim });
  };
};

/** Sum over `dim` (a dim or a list of them; all by default), by position or as { dim, keepdim }, as torch.sum. */
export const sum = reducer('sum');
export const mean = reducer('mean');
export const max = reducer('max');
export const min = reducer('min');

interface ArgReduceOptions {
  dim?: number;
  keepdim?: boolean;
}

const ARG_OPTIONS = new Map(
  (['argmax', 'argmin'] as const).map((name) => [name, defineOptions<ArgReduceOptions>(name, { dim: 'number', keepdim: 'boolean' })]),
);

for (const name of ['argmax', 'argmin'] as const) {
  registerKernel<{ dim: number; keepdim: boolean }>({
    name,
    simd: false,
    threaded: true,
    onnx: [name === 'argmax' ? 'ArgMax' : 'ArgMin'],
    method: true,
    options: ARG_OPTIONS.get(name),
    forward: ([x], { dim, keepdim }) => reduce(name, x, [dim], keepdim),
  });
  markNonDifferentiable(name);
}

const argReducer = (name: 'argmax' | 'argmin') => {
  const options = ARG_OPTIONS.get(name)!;
  return (x: Tensor, ...args: [dim?: number, keepdim?: boolean] | [ArgReduceOptions]): Tensor => {
    const { dim = -1, keepdim = false } = options.fromArguments(args);
    return runOp(name, [x], { dim: normDim(name, dim, x.ndim), keepdim });
  };
};

/** Index (int32) of the largest element along `dim` (default the last); the first one on ties. */
export const argmax = argReducer('argmax');
export const argmin = argReducer('argmin');
