// torch.nn.functional.embedding: rows of a table picked by int32 ids, nn.Embedding's lookup. It is
// indexSelect along dim 0, whose gradient adds each row of dy into the table row it came from.
import { registerComposite } from '../autograd/registry.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { requireFloat32, requireTensor } from '../kernels/operands.js';
import type { Tensor } from '../tensor.js';
import { indexSelect } from './indexing.js';

/** ids int32 of any shape, weight (numEmbeddings, embeddingDim): ids.shape + [embeddingDim]. */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  const op = 'embedding';
  requireTensor(op, ids, 'ids');
  requireTensor(op, weight, 'weight');
  if (ids.dtype !== 'int32') throw new DTypeError(`${op}: ids of shape ${formatShape(ids.shape)} are ${ids.dtype}; expected int32`);
  requireFloat32(op, weight, 'weight');
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D (numEmbeddings, embeddingDim), got shape ${formatShape(weight.shape)}`);
  return indexSelect(weight, 0, ids);
}
registerComposite({ name: 'embedding', builtFrom: ['indexSelect'] });
