// Joining and splitting along a dim: cat writes each input into its window of the output; its
// gradient hands each input the matching window of dy. stack and split are built on cat and narrow.
import { copyInto } from '../kernels/copy.js';
import { registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { empty } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { narrow, normDim, unsqueeze } from './views.js';
import { registerComposite } from '../autograd/registry.js';
import { defineOptions } from '../options.js';

interface JoinOptions {
  /** Default 0. */
  dim?: number;
}
const CAT = defineOptions<JoinOptions>('cat', { dim: 'number' });
const STACK = defineOptions<JoinOptions>('stack', { dim: 'number' });
const SPLIT = defineOptions<{ sizes?: number | readonly number[]; dim?: number }>('split', { sizes: 'number|number[]', dim: 'number' }, ['sizes']);

registerKernel<{ dim: number }>({
  name: 'cat',
  simd: false,
  threaded: true,
  onnx: ['Concat'],
  options: CAT,
  forward: (inputs, { dim }) => {
    const shape = [...inputs[0].shape];
    shape[dim] = inputs.reduce((n, t) => n + t.shape[dim], 0);
    const out = empty(shape, inputs[0].dtype);
    let at = 0;
    for (const t of inputs) {
      out.storage.retain();
      const window = new Tensor(out.storage, t.shape, out.dtype, out.strides, at * out.strides[dim]);
      copyInto(t, window);
      window.dispose();
      at += t.shape[dim];
    }
    return out;
  },
});
registerGradient<{ dim: number }>({
  name: 'cat',
  // out = [x0 | x1 | ...] along dim: each input's gradient is its window of dy
  backward: (dy, { inputs, attrs: { dim } }) => {
    let at = 0;
    return inputs.map((t) => {
      const g = t.requiresGrad ? narrow(dy, dim, at, t.shape[dim]) : null;
      at += t.shape[dim];
      return g;
    });
  },
});

/** Concatenates tensors of equal shape but in `dim`, as torch.cat. */
export function cat(tensors: readonly Tensor[], ...args: [dim?: number] | [JoinOptions]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('cat: expected a non-empty list of tensors');
  const { dim = 0 } = CAT.fromArguments(args);
  const d = normDim('cat', dim, tensors[0].ndim);
  checkJoinable('cat', tensors, d, `differ outside dim ${dim}`);
  return runOp('cat', tensors, { dim: d });
}

/** Same dtype, and the same shape in every dim but `skip` (-1: in every dim). */
function checkJoinable(op: string, tensors: readonly Tensor[], skip: number, expected: string): void {
  const first = tensors[0];
  for (const t of tensors) {
    if (t.dtype !== first.dtype) throw new DTypeError(`${op}: tensors mix ${first.dtype} and ${t.dtype}`);
    if (t.ndim !== first.ndim || t.shape.some((s: number, i: number) => i !== skip && s !== first.shape[i])) {
      throw new ShapeError(`${op}: shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} ${expected}`);
    }
  }
}

/** Joins tensors of one shape along a new dim, as torch.stack. */
export function stack(tensors: readonly Tensor[], ...args: [dim?: number] | [JoinOptions]): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack: expected a non-empty list of tensors');
  const { dim = 0 } = STACK.fromArguments(args);
  const d = normDim('stack', dim, tensors[0].ndim + 1);
  checkJoinable('stack', tensors, -1, 'differ; expected one shape');
  const expanded = tensors.map((t) => unsqueeze(t, d));
  const out = cat(expanded, d);
  for (const e of expanded) if (!e.requiresGrad) e.dispose();
  return out;
}

/** Views of consecutive pieces along `dim`: of `sizes` elements each, or of one size (the last may be shorter). */
export function split(
  x: Tensor, ...args: [sizes: number | readonly number[], dim?: number] | [{ sizes: number | readonly number[]; dim?: number }]
): Tensor[] {
  const options = SPLIT.fromArguments(args);
  const [sizes, dim] = [options.sizes!, options.dim ?? 0];
  const d = normDim('split', dim, x.ndim);
  const total = x.shape[d];
  let lengths: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1) throw new ArgumentError(`split: size must be a whole number >= 1, got ${sizes}`);
    lengths = Array.from({ length: Math.ceil(total / sizes) }, (_, i) => Math.min(sizes, total - i * sizes));
  } else {
    lengths = [...sizes];
    if (lengths.reduce((a, b) => a + b, 0) !== total) {
      throw new ShapeError(`split: sizes [${lengths.join(', ')}] do not add up to dim ${dim} of ${formatShape(x.shape)}`);
    }
  }
  let at = 0;
  return lengths.map((n) => {
    const piece = narrow(x, d, at, n);
    at += n;
    return piece;
  });
}

registerComposite({ name: 'stack', builtFrom: ['reshape', 'cat'], options: STACK });
registerComposite({ name: 'split', builtFrom: ['narrow'], method: true, options: SPLIT });
