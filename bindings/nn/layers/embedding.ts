import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { randn, tensor } from '../../creation.js';
import { embedding, EMBEDDING, paddingRow } from '../../ops/embedding.js';
import type { Tensor } from '../../tensor.js';

export interface EmbeddingLayerOptions {
  seed?: number;
  /** An id whose row starts at zeros and gets no gradient (torch's padding_idx). */
  paddingIdx?: number;
}

const EMBEDDING_LAYER = EMBEDDING.derive<EmbeddingLayerOptions>('Embedding', { seed: 'number' });

/** A table of `numEmbeddings` learned vectors, looked up by int32 ids; initialised N(0, 1) as in PyTorch. */
export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options?: EmbeddingLayerOptions,
  ) {
    super();
    const opts = EMBEDDING_LAYER.parse(options);
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Embedding: ${name} must be a whole number >= 1, got ${v}`);
    }
    const shape = [numEmbeddings, embeddingDim];
    let initial = randn(shape, { seed: opts.seed });
    if (opts.paddingIdx !== undefined) {
      this.paddingIdx = paddingRow('Embedding', opts.paddingIdx, numEmbeddings);
      const values = initial.toArray();
      values.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
      initial.dispose();
      initial = tensor(values, shape);
    }
    this.weight = this.addParameter('weight', initial);
  }

  /** ids is int32 of any shape; the result is ids.shape + [embeddingDim]. */
  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, this.paddingIdx === undefined ? {} : { paddingIdx: this.paddingIdx });
  }
}
