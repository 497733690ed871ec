// Picking elements by index: indexSelect (whole slices along a dim, the heart of Embedding) and
// gather (one element per index, as torch.gather), each with its scatter-add gradient.
import { empty, zeros } from '../creation.js';
import { registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { gatherElementsTask, gatherRowsTask } from '../runtime/generated/kernel-args.js';
import { numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { normDim, permute } from './views.js';
import { withContiguous } from '../kernels/operands.js';
import { defineOptions } from '../options.js';

/** Both index ops take the dim and the index after the input, by position or by name, as torch. */
interface IndexOptions {
  dim?: number;
  index?: Tensor;
}
const INDEX_SELECT = defineOptions<IndexOptions>('indexSelect', { dim: 'number', index: 'tensor' }, ['dim', 'index']);
const GATHER = defineOptions<IndexOptions>('gather', { dim: 'number', index: 'tensor' }, ['dim', 'index']);

/** Refuses indices outside [0, size): a bad label or token id must never read stray memory. */
export function checkIndices(op: string, index: Tensor, size: number): void {
  if (index.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must be int32, got ${index.dtype} of shape ${formatShape(index.shape)}`);
  }
  const values = index.toArray();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= size) {
      throw new ShapeError(`${op}: index ${values[i]} at position ${i} is out of range for a dim of size ${size}`);
    }
  }
}

registerKernel({
  name: 'gatherRows',
  simd: false,
  threaded: true,
  onnx: ['Gather'],
  options: INDEX_SELECT,
  forward: ([table, index]) => {
    checkIndices('indexSelect', index, table.shape[0]);
    const width = numel(table.shape.slice(1));
    const out = empty([...index.shape, ...table.shape.slice(1)], table.dtype);
    withContiguous([table, index], ([t, ix]) =>
      gatherRowsTask('gather_rows', { table: t.ptr(), rows: out.ptr(), index: ix.ptr(), n: index.size, width }, index.size * width));
    return out;
  },
});
registerGradient({
  name: 'gatherRows',
  // out[i] = table[index[i]]: each row of dy is added to the row it was read from
  backward: (dy, { inputs: [table, index] }) => {
    const width = numel(table.shape.slice(1));
    const dtable = zeros(table.shape);
    withContiguous([dy, index], ([g, ix]) =>
      gatherRowsTask('scatter_add_rows', { table: dtable.ptr(), rows: g.ptr(), index: ix.ptr(), n: index.size, width }, index.size * width));
    return [dtable, null];
  },
});

/**
 * Slices of x along `dim` picked by int32 `index` (torch.index_select for 1-D index). For other
 * index shapes the picked slices take the index's shape, as embedding lookups want.
 */
export function indexSelect(x: Tensor, ...args: [dim: number, index: Tensor] | [{ dim: number; index: Tensor }]): Tensor {
  const { dim, index } = INDEX_SELECT.fromArguments(args) as Required<IndexOptions>;
  if (x.ndim < 1) throw new ShapeError(`indexSelect: input must have at least 1 dim, got ${formatShape(x.shape)}`);
  const d = normDim('indexSelect', dim, x.ndim);
  if (d === 0) return runOp('gatherRows', [x, index]);
  if (index.ndim !== 1) throw new ShapeError(`indexSelect: along dim ${dim}, index must be 1-D, got ${formatShape(index.shape)}`);
  const front = [d, ...x.shape.map((_, i) => i).filter((i) => i !== d)];
  const picked = runOp('gatherRows', [permute(x, front), index]);
  const back = x.shape.map((_, i) => (i === d ? 0 : i < d ? i + 1 : i));
  return permute(picked, back);
}
registerComposite({ name: 'indexSelect', builtFrom: ['gatherRows', 'permute'], method: true, options: INDEX_SELECT });

interface GatherLayout {
  outer: number;
  nX: number;
  nIndex: number;
  inner: number;
}

function gatherLayout(x: Tensor, index: Tensor, dim: number): GatherLayout {
  return {
    outer: numel(x.shape.slice(0, dim)),
    nX: x.shape[dim],
    nIndex: index.shape[dim],
    inner: numel(x.shape.slice(dim + 1)),
  };
}

registerKernel<{ dim: number }>({
  name: 'gather',
  simd: false,
  threaded: true,
  onnx: ['GatherElements'],
  method: true,
  options: GATHER,
  forward: ([x, index], { dim }) => {
    const { outer, nX, nIndex, inner } = gatherLayout(x, index, dim);
    const out = empty(index.shape, x.dtype);
    withContiguous([x, index], ([xc, ix]) =>
      gatherElementsTask('gather_elements', { xs: xc.ptr(), picks: out.ptr(), index: ix.ptr(), outer, nX, nIndex, inner }, out.size));
    return out;
  },
});
registerGradient<{ dim: number }>({
  name: 'gather',
  // out[.., j, ..] = x[.., index[.., j, ..], ..]: dy flows back to the element each index read
  backward: (dy, { inputs: [x, index], attrs: { dim } }) => {
    const { outer, nX, nIndex, inner } = gatherLayout(x, index, dim);
    const dx = zeros(x.shape);
    withContiguous([dy, index], ([g, ix]) =>
      gatherElementsTask('scatter_add_elements', { xs: dx.ptr(), picks: g.ptr(), index: ix.ptr(), outer, nX, nIndex, inner }, dy.size));
    return [dx, null];
  },
});

/**
 * torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for dim 1, and so on. The index has x's
 * rank and x's sizes in every dim but `dim`.
 */
export function gather(x: Tensor, ...args: [dim: number, index: Tensor] | [{ dim: number; index: Tensor }]): Tensor {
  const { dim, index } = GATHER.fromArguments(args) as Required<IndexOptions>;
  const d = normDim('gather', dim, x.ndim);
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s !== x.shape[i])) {
    throw new ShapeError(
      `gather: index ${formatShape(index.shape)} must match input ${formatShape(x.shape)} in every dim but ${dim}`,
    );
  }
  checkIndices('gather', index, x.shape[d]);
  return runOp('gather', [x, index], { dim: d });
}
