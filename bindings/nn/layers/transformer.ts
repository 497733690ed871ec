// A pre-LayerNorm transformer block and a small GPT built from them (token and position
// embeddings, N causal blocks, a final LayerNorm and a head tied to the token table or not).
import { Module } from '../module.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GELU } from './activations.js';
import { Linear } from './linear.js';
import { LayerNorm } from './norm.js';
import { MultiheadAttention, type MultiheadAttentionCall } from './attention.js';
import { PositionalEmbedding } from './positional.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../../errors.js';
import { engine } from '../../runtime/engine.js';
import { add } from '../../ops/arithmetic.js';
import { linear } from '../../ops/linear.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

export interface TransformerBlockOptions {
  /** Hidden width of the MLP as a multiple of embedDim. Default 4. */
  mlpRatio?: number;
  /** Dropout on both residual branches, in training. Default 0. */
  dropout?: number;
  bias?: boolean;
  /** Attend causally unless a call says otherwise. Default false. */
  causal?: boolean;
  seed?: number;
}

const TRANSFORMER_BLOCK = defineOptions<TransformerBlockOptions>('TransformerBlock', {
  mlpRatio: 'number', dropout: 'number', bias: 'boolean', causal: 'boolean', seed: 'number',
});

const seedAt = (seed: number | undefined, k: number): number | undefined => (seed === undefined ? undefined : seed + k);

/** x + attn(ln1(x)), then x + mlp(ln2(x)) with a GELU MLP; x is (B, T, E). */
export class TransformerBlock extends Module {
  readonly ln1: LayerNorm;
  readonly attn: MultiheadAttention;
  readonly ln2: LayerNorm;
  readonly fc: Linear;
  readonly act: GELU;
  readonly proj: Linear;
  readonly drop: Dropout;
  readonly causal: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, options?: TransformerBlockOptions) {
    super();
    const opts = TRANSFORMER_BLOCK.parse(options);
    const hidden = Math.round(embedDim * (opts.mlpRatio ?? 4));
    if (!(hidden >= 1)) throw new ArgumentError(`TransformerBlock: mlpRatio must give a hidden width >= 1, got ${opts.mlpRatio}`);
    const bias = opts.bias ?? true;
    this.causal = opts.causal ?? false;
    this.ln1 = this.addModule('ln1', new LayerNorm(embedDim));
    this.attn = this.addModule('attn', new MultiheadAttention(embedDim, numHeads, { bias, batchFirst: true, seed: seedAt(opts.seed, 0) }));
    this.ln2 = this.addModule('ln2', new LayerNorm(embedDim));
    this.fc = this.addModule('fc', new Linear(embedDim, hidden, { bias, seed: seedAt(opts.seed, 10) }));
    this.act = this.addModule('act', new GELU());
    this.proj = this.addModule('proj', new Linear(hidden, embedDim, { bias, seed: seedAt(opts.seed, 20) }));
    this.drop = this.addModule('drop', new Dropout(opts.dropout ?? 0));
  }

  forward(x: Tensor, opts: MultiheadAttentionCall = {}): Tensor {
    const h = this.ln1.forward(x);
    const call = { ...opts, isCausal: opts.isCausal ?? this.causal };
    const afterAttn = add(x, this.drop.forward(this.attn.forward(h, h, h, call)));
    const mlp = this.proj.forward(this.act.forward(this.fc.forward(this.ln2.forward(afterAttn))));
    return add(afterAttn, this.drop.forward(mlp));
  }
}

export interface GPTOptions {
  vocabSize: number;
  /** Longest sequence: the size of the position table. */
  blockSize: number;
  embedDim: number;
  numHeads: number;
  numLayers: number;
  mlpRatio?: number;
  dropout?: number;
  /** The head reuses the token embedding table (default true), as GPT-2. */
  tied?: boolean;
  seed?: number;
}

const GPT_OPTIONS = defineOptions<GPTOptions>('GPT', {
  vocabSize: 'number', blockSize: 'number', embedDim: 'number', numHeads: 'number', numLayers: 'number',
  mlpRatio: 'number', dropout: 'number', tied: 'boolean', seed: 'number',
}, ['vocabSize', 'blockSize', 'embedDim', 'numHeads', 'numLayers']);

/** A decoder-only causal transformer: forward(ids int32 (B, T)) -> logits (B, T, vocabSize). */
export class GPT extends Module {
  readonly tokens: Embedding;
  readonly positions: PositionalEmbedding;
  readonly blocks: TransformerBlock[] = [];
  readonly lnF: LayerNorm;
  /** null when the head is tied to tokens.weight. */
  readonly head: Linear | null;
  readonly config: Readonly<GPTOptions>;

  constructor(config: GPTOptions) {
    super();
    this.config = { ...GPT_OPTIONS.parse(config) };
    const { vocabSize, blockSize, embedDim, numHeads, numLayers, seed } = config;
    for (const [name, v] of Object.entries({ vocabSize, blockSize, embedDim, numHeads, numLayers })) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`GPT: ${name} must be a whole number >= 1, got ${v}`);
    }
    this.tokens = this.addModule('tokens', new Embedding(vocabSize, embedDim, { seed: seedAt(seed, 0) }));
    // N(0, 1) embeddings would make a tied head's first logits huge: GPT-2 draws them N(0, 0.02²).
    const w = this.tokens.weight;
    const heap = engine().heap;
    for (let i = w.ptr() >> 2, end = i + w.size; i < end; i++) heap.f32[i] *= 0.02;
    this.positions = this.addModule('positions', new PositionalEmbedding(blockSize, embedDim, { seed: seedAt(seed, 1) }));
    for (let l = 0; l < numLayers; l++) {
      const block = new TransformerBlock(embedDim, numHeads, {
        mlpRatio: config.mlpRatio, dropout: config.dropout, causal: true, seed: seedAt(seed, 100 * (l + 1)),
      });
      this.blocks.push(this.addModule(`block${l}`, block));
    }
    this.lnF = this.addModule('lnF', new LayerNorm(embedDim));
    this.head = config.tied ?? true ? null : this.addModule('head', new Linear(embedDim, vocabSize, { bias: false, seed: seedAt(seed, 2) }));
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new DTypeError(`GPT: ids must be int32, got ${ids.dtype}`);
    if (ids.ndim !== 2 || ids.shape[1] > this.config.blockSize) {
      throw new ShapeError(`GPT: ids must be (B, T) with T <= blockSize ${this.config.blockSize}, got ${formatShape(ids.shape)}`);
    }
    let x = this.positions.forward(this.tokens.forward(ids));
    for (const block of this.blocks) x = block.forward(x);
    x = this.lnF.forward(x);
    return this.head === null ? linear(x, this.tokens.weight) : this.head.forward(x);
  }
}
