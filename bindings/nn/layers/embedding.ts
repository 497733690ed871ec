import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { randn } from '../../creation.js';
import { indexSelect } from '../../ops/indexing.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

const EMBEDDING = defineOptions<{ seed?: number }>('Embedding', { seed: 'number' });

/** A table of `numEmbeddings` learned vectors, looked up by int32 ids; initialised N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options?: { seed?: number },
  ) {
    super();
    const opts = EMBEDDING.parse(options);
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Embedding: ${name} must be a whole number >= 1, got ${v}`);
    }
    this.weight = this.addParameter('weight', randn([numEmbeddings, embeddingDim], { seed: opts.seed }));
  }

  /** ids is int32 of any shape; the result is ids.shape + [embeddingDim]. */
  forward(ids: Tensor): Tensor {
    return indexSelect(this.weight, 0, ids);
  }
}
