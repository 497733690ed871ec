// Multi-head attention as torch.nn.MultiheadAttention: in-projection, the heads as a batch dim
// through the fused attention op (views only: the kernel reads head-strided q, k, v), then the
// out-projection. Parameter names match PyTorch's, so its state dicts load.
import { Module } from '../module.js';
import { Linear } from './linear.js';
import { xavierUniform } from '../init.js';
import { zeros } from '../../creation.js';
import { ArgumentError, formatShape, ShapeError } from '../../errors.js';
import { scaledDotProductAttention } from '../../ops/attention.js';
import { linear } from '../../ops/linear.js';
import { narrow, permute, reshape } from '../../ops/views.js';
import { engine } from '../../runtime/engine.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

export interface MultiheadAttentionOptions {
  bias?: boolean;
  /** Inputs and output are (B, T, E) instead of (T, B, E). */
  batchFirst?: boolean;
  seed?: number;
}

export interface MultiheadAttentionCall {
  /** (B, S): nonzero marks key j of batch b as padding (torch's key_padding_mask). */
  keyPaddingMask?: Tensor | null;
  /** Query i attends to keys j <= i only. */
  isCausal?: boolean;
  /** (T, S) float (added) or int32 (nonzero kept) mask: see scaledDotProductAttention. */
  attnMask?: Tensor | null;
}

const MULTIHEAD_ATTENTION = defineOptions<MultiheadAttentionOptions>('MultiheadAttention', {
  bias: 'boolean', batchFirst: 'boolean', seed: 'number',
});

/**
 * forward(query, key, value, opts) returns the attention output only: the fused kernel never
 * forms the attention weights (PyTorch's need_weights=False). key and value default to query.
 */
export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly inProjWeight: Tensor;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;

  constructor(readonly embedDim: number, readonly numHeads: number, options?: MultiheadAttentionOptions) {
    super();
    const opts = MULTIHEAD_ATTENTION.parse(options);
    for (const [name, v] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`MultiheadAttention: ${name} must be a whole number >= 1, got ${v}`);
    }
    if (embedDim % numHeads !== 0) {
      throw new ArgumentError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    this.headDim = embedDim / numHeads;
    this.batchFirst = opts.batchFirst ?? false;
    const bias = opts.bias ?? true;
    const seed = opts.seed;
    this.inProjWeight = this.addParameter('in_proj_weight', xavierUniform([3 * embedDim, embedDim], { seed }));
    this.inProjBias = bias ? this.addParameter('in_proj_bias', zeros([3 * embedDim])) : null;
    this.outProj = this.addModule('out_proj', new Linear(embedDim, embedDim, { bias, seed: seed === undefined ? undefined : seed + 1 }));
    // PyTorch zeroes the out-projection's bias.
    const outBias = this.outProj.bias;
    if (outBias !== null) engine().heap.f32.fill(0, outBias.ptr() >> 2, (outBias.ptr() >> 2) + embedDim);
  }

  forward(query: Tensor, key: Tensor = query, value: Tensor = key, opts: MultiheadAttentionCall = {}): Tensor {
    const E = this.embedDim;
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (t.ndim !== 3 || t.shape[2] !== E) {
        throw new ShapeError(`MultiheadAttention: ${name} must be ${this.layout()} with E = ${E}, got ${formatShape(t.shape)}`);
      }
    }
    const heads = (x: Tensor, part: number): Tensor => {
      const w = narrow(this.inProjWeight, 0, part * E, E);
      const b = this.inProjBias === null ? undefined : narrow(this.inProjBias, 0, part * E, E);
      const y = linear(x, w, b);
      const [d0, d1] = y.shape;
      // (B, T, h, hd) -> (B, h, T, hd), or from (T, B, h, hd).
      return permute(reshape(y, [d0, d1, this.numHeads, this.headDim]), this.batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]);
    };
    const o = scaledDotProductAttention(heads(query, 0), heads(key, 1), heads(value, 2), opts);
    const [B, , T] = o.shape;
    const merged = this.batchFirst
      ? reshape(permute(o, [0, 2, 1, 3]), [B, T, E])
      : reshape(permute(o, [2, 0, 1, 3]), [T, B, E]);
    return this.outProj.forward(merged);
  }

  private layout(): string {
    return this.batchFirst ? '(B, T, E)' : '(T, B, E)';
  }
}
