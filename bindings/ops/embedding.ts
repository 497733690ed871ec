// torch.nn.functional.embedding: rows of a table picked by int32 ids, nn.Embedding's lookup. It is
// indexSelect along dim 0, whose gradient adds each row of dy into the table row it came from;
// with paddingIdx, the rows looked up for that id are cut from the graph (where over a detached
// copy), so its table row gets no gradient, as torch's padding_idx.
import { registerComposite } from '../autograd/registry.js';
import { tensor } from '../creation.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { requireFloat32, requireTensor } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { where } from './compare.js';
import { composed } from './composite.js';
import { indexSelect } from './indexing.js';
import { defineOptions } from '../options.js';

export interface EmbeddingOptions {
  /** An id whose table row gets no gradient (torch's padding_idx); negative counts from the end. */
  paddingIdx?: number;
}

// paddingIdx's range depends on the table, so paddingRow checks it beyond its type.
export const EMBEDDING = defineOptions<EmbeddingOptions>('embedding', { paddingIdx: 'number' });

/** paddingIdx as a row of a table of `rows`, checked. */
export function paddingRow(op: string, paddingIdx: unknown, rows: number): number {
  if (typeof paddingIdx !== 'number' || !Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new ArgumentError(
      `${op}: paddingIdx must be a whole number in [-${rows}, ${rows}) for a table of ${rows} rows, got ${String(paddingIdx)}`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/** ids int32 of any shape, weight (numEmbeddings, embeddingDim): ids.shape + [embeddingDim]. */
export function embedding(ids: Tensor, weight: Tensor, given?: EmbeddingOptions, ...none: []): Tensor {
  const op = 'embedding';
  const opts = EMBEDDING.parseLast(given, none);
  requireTensor(op, ids, 'ids');
  requireTensor(op, weight, 'weight');
  if (ids.dtype !== 'int32') throw new DTypeError(`${op}: ids of shape ${formatShape(ids.shape)} are ${ids.dtype}; expected int32`);
  requireFloat32(op, weight, 'weight');
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D (numEmbeddings, embeddingDim), got shape ${formatShape(weight.shape)}`);
  if (opts.paddingIdx === undefined) return indexSelect(weight, 0, ids);
  const pad = paddingRow(op, opts.paddingIdx, weight.shape[0]);
  return composed([weight], () => {
    const rows = indexSelect(weight, 0, ids);
    const isPadding = tensor(Float32Array.from(ids.toArray(), (id) => (id === pad ? 1 : 0)), [...ids.shape, 1]);
    return where(isPadding, rows.detach(), rows);
  });
}
registerComposite({ name: 'embedding', builtFrom: ['indexSelect', 'where'], options: EMBEDDING });
