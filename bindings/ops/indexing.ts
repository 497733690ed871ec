// Picking rows by index: indexSelect along dim 0 (the heart of Embedding) and its scatter-add.
import { empty, zeros } from '../creation.js';
import { registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { dispatch } from '../runtime/dispatch.js';
import type { Tensor } from '../tensor.js';
import { contiguous } from './views.js';
import { noGrad } from '../autograd/grad-mode.js';

/** Refuses indices outside [0, rows): a bad label or token id must not read stray memory. */
export function checkIndices(op: string, index: Tensor, rows: number): Int32Array {
  if (index.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must be int32, got ${index.dtype} of shape ${formatShape(index.shape)}`);
  }
  const values = index.toArray() as Int32Array;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= rows) {
      throw new ShapeError(`${op}: index ${values[i]} at position ${i} is out of range for ${rows} rows`);
    }
  }
  return values;
}

registerKernel({
  name: 'indexSelect',
  simd: false,
  threaded: true,
  onnx: ['Gather'],
  forward: ([table, index]) => {
    checkIndices('indexSelect', index, table.shape[0]);
    const width = table.size / Math.max(1, table.shape[0]);
    const out = empty([...index.shape, ...table.shape.slice(1)], table.dtype);
    noGrad(() => {
      const t = contiguous(table);
      const ix = contiguous(index);
      dispatch('gather_rows', [out.ptr(), t.ptr(), ix.ptr(), index.size, width], index.size * width);
      if (t !== table) t.dispose();
      if (ix !== index) ix.dispose();
    });
    return out;
  },
});
registerGradient({
  name: 'indexSelect',
  // out[i] = table[index[i]]: each row of dy is added to the row it was read from
  backward: (dy, { inputs: [table, index] }) => {
    const width = table.size / Math.max(1, table.shape[0]);
    const dtable = zeros(table.shape);
    const g = contiguous(dy);
    const ix = contiguous(index);
    dispatch('scatter_add_rows', [dtable.ptr(), g.ptr(), ix.ptr(), index.size, width], index.size * width);
    if (g !== dy) g.dispose();
    if (ix !== index) ix.dispose();
    return [dtable, null];
  },
});

/** Rows of `table` (dim 0) picked by int32 `index`: the result has shape index.shape + table.shape[1:]. */
export function indexSelect(table: Tensor, index: Tensor): Tensor {
  if (table.ndim < 1) throw new ShapeError(`indexSelect: table must have at least 1 dim, got ${formatShape(table.shape)}`);
  return runOp('indexSelect', [table, index]);
}
