// Position information for attention models, which are otherwise blind to order: the fixed
// sinusoids of "Attention Is All You Need", and a learned table as in GPT-2.
import { Module } from '../module.js';
import { dropout } from './dropout.js';
import { randn, tensor } from '../../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { add } from '../../ops/arithmetic.js';
import { narrow, reshape } from '../../ops/views.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

const POSITIONAL_ENCODING = defineOptions<PositionalOptions & { maxLen?: number; dropout?: number }>('PositionalEncoding', {
  batchFirst: 'boolean', maxLen: 'number', dropout: 'number',
});
const POSITIONAL_EMBEDDING = defineOptions<PositionalOptions & { seed?: number }>('PositionalEmbedding', {
  batchFirst: 'boolean', seed: 'number',
});

export interface PositionalOptions {
  /** x is (B, T, D) (default) rather than (T, B, D). */
  batchFirst?: boolean;
}

function checkDims(layer: string, maxLen: number, dim: number): void {
  for (const [name, v] of [['maxLen', maxLen], ['dim', dim]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${layer}: ${name} must be a whole number >= 1, got ${v}`);
  }
}

/** x + table[:T], the table broadcast over the batch dim. */
function addPositions(layer: string, x: Tensor, table: Tensor, batchFirst: boolean): Tensor {
  const [maxLen, D] = table.shape;
  const T = batchFirst ? x.shape[1] : x.shape[0];
  if (x.ndim !== 3 || x.shape[2] !== D || T > maxLen) {
    throw new ShapeError(
      `${layer}: x must be ${batchFirst ? '(B, T, D)' : '(T, B, D)'} with D = ${D} and T <= maxLen ${maxLen}, got ${formatShape(x.shape)}`,
    );
  }
  const rows = narrow(table, 0, 0, T);
  return add(x, batchFirst ? rows : reshape(rows, [T, 1, D]));
}

/**
 * Adds PE(pos, 2i) = sin(pos / 10000^(2i/D)), PE(pos, 2i+1) = cos(pos / 10000^(2i/D)) (buffer
 * `pe`, (maxLen, D)), then dropout in training.
 */
export class PositionalEncoding extends Module {
  readonly pe: Tensor;
  readonly batchFirst: boolean;
  /** Dropout probability. */
  readonly p: number;

  constructor(readonly dModel: number, options?: PositionalOptions & { maxLen?: number; dropout?: number }) {
    super();
    const opts = POSITIONAL_ENCODING.parse(options);
    const maxLen = opts.maxLen ?? 5000;
    checkDims('PositionalEncoding', maxLen, dModel);
    this.batchFirst = opts.batchFirst ?? true;
    this.p = opts.dropout ?? 0;
    if (!(this.p >= 0 && this.p < 1)) throw new ArgumentError(`PositionalEncoding: dropout must be in [0, 1), got ${this.p}`);
    const table = new Float32Array(maxLen * dModel);
    for (let pos = 0; pos < maxLen; pos++) {
      for (let i = 0; i < dModel; i++) {
        const angle = pos / 10000 ** ((2 * Math.floor(i / 2)) / dModel);
        table[pos * dModel + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
      }
    }
    this.pe = this.addBuffer('pe', tensor(table, [maxLen, dModel]));
  }

  forward(x: Tensor): Tensor {
    return dropout(addPositions('PositionalEncoding', x, this.pe, this.batchFirst), this.p, this.training);
  }
}

/** Adds a learned (maxLen, D) table of position vectors, initialised N(0, 0.02²) as GPT-2's. */
export class PositionalEmbedding extends Module {
  readonly weight: Tensor;
  readonly batchFirst: boolean;

  constructor(readonly maxLen: number, readonly embeddingDim: number, options?: PositionalOptions & { seed?: number }) {
    super();
    const opts = POSITIONAL_EMBEDDING.parse(options);
    checkDims('PositionalEmbedding', maxLen, embeddingDim);
    this.batchFirst = opts.batchFirst ?? true;
    this.weight = this.addParameter('weight', randn([maxLen, embeddingDim], { seed: opts.seed, std: 0.02 }));
  }

  forward(x: Tensor): Tensor {
    return addPositions('PositionalEmbedding', x, this.weight, this.batchFirst);
  }
}
