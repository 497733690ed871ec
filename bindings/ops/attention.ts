// Scaled dot-product attention. The causal and key-padding masks run in one fused op over the
// kernels of kernels/attention.ts (memory linear in the sequence length); a general attnMask
// takes the composite path matmul -> softmax -> matmul. The fused op's backward needs the
// log-sum-exp rows of the forward, which hang on its output (saved-state.ts).
import { expectFloat, registerComposite, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { attentionBackward, attentionForward } from '../kernels/attention.js';
import { tensor } from '../creation.js';
import { DTypeError, formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './arithmetic.js';
import { matmul } from './linear.js';
import { softmax } from './softmax.js';
import { attachSaved, releaseSaved, savedOf, willRecord } from './saved-state.js';
import { reshape, squeeze, transpose, unsqueeze } from './views.js';
import { defineOptions } from '../options.js';

interface FusedAttrs {
  causal: boolean;
  scale: number;
}

/** What the fused backward reads besides q, k, v and out. */
interface FusedSaved {
  lse: Tensor;
  /** (B, S) keys to keep (nonzero), or null: the op's optional fourth input, held past the caller's dispose. */
  keep: Tensor | null;
}

export interface AttentionOptions {
  /** Query i sees keys j <= i only (torch's is_causal, top-left aligned when T != S). */
  isCausal?: boolean;
  /**
   * (B, S): as torch.nn.MultiheadAttention's key_padding_mask, a nonzero entry marks key j of
   * batch b as padding, which no query of that batch attends to.
   */
  keyPaddingMask?: Tensor | null;
  /**
   * (T, S) or anything broadcasting to (B, H, T, S), as torch's attn_mask: float32 is added to
   * the scores; int32 keeps the pairs where it is nonzero (torch's boolean mask). Takes the
   * unfused path, where a row that sees no key gives NaN, as in PyTorch.
   */
  attnMask?: Tensor | null;
  /** Multiplies q k^T; default 1 / sqrt(D). */
  scale?: number;
}

const ATTENTION = defineOptions<AttentionOptions>('scaledDotProductAttention', {
  isCausal: 'boolean', keyPaddingMask: 'tensor|null', attnMask: 'tensor|null', scale: 'number',
});

registerKernel<FusedAttrs>({
  name: 'attention',
  simd: true,
  threaded: true,
  onnx: [],
  options: ATTENTION,
  forward: ([q, k, v, keep], { causal, scale }) => {
    expectFloat('attention', q, k, v);
    const { out, lse } = attentionForward(q, k, v, { causal, scale, keyPaddingMask: keep ?? null });
    if (willRecord([q, k, v])) {
      const saved: FusedSaved = { lse, keep: keep?.alias() ?? null };
      const tensors = saved.keep === null ? [lse] : [lse, saved.keep];
      attachSaved(out, { value: saved, tensors, dispose: () => tensors.forEach((t) => t.dispose()) });
    } else {
      lse.dispose();
    }
    return out;
  },
});
registerGradient<FusedAttrs>({
  name: 'attention',
  backward: (dout, { inputs, output, attrs: { causal, scale } }) => {
    const [q, k, v] = inputs;
    const { lse, keep } = savedOf<FusedSaved>('attention backward', output);
    const g = attentionBackward(dout, q, k, v, output, lse, { causal, scale, keyPaddingMask: keep });
    releaseSaved(output);
    const grads = [q.requiresGrad ? g.dq : null, k.requiresGrad ? g.dk : null, v.requiresGrad ? g.dv : null];
    return inputs.length > 3 ? [...grads, null] : grads;
  },
});


registerComposite({
  name: 'scaledDotProductAttention (attnMask)', builtFrom: ['matmul', 'mul', 'add', 'softmax'], options: ATTENTION,
});

/** torch's key_padding_mask (nonzero = padding) as the kernel's mask of keys to keep (int32). */
function keptKeys(mask: Tensor, B: number, S: number): Tensor {
  if (mask.dtype !== 'int32' && mask.dtype !== 'float32') {
    throw new DTypeError(`scaledDotProductAttention: keyPaddingMask must be int32 or float32, got ${mask.dtype}`);
  }
  if (mask.ndim !== 2 || mask.shape[0] !== B || mask.shape[1] !== S) {
    throw new ShapeError(`scaledDotProductAttention: keyPaddingMask must be (B, S) = [${B}, ${S}], got ${formatShape(mask.shape)}`);
  }
  return tensor(Int32Array.from(mask.toArray(), (m) => (m === 0 ? 1 : 0)), [B, S], 'int32');
}

/** A float32 mask to add to the scores: an int32 one becomes 0 where nonzero, -Infinity elsewhere. */
function additive(mask: Tensor): Tensor {
  if (mask.dtype === 'float32') return mask;
  return tensor(Float32Array.from(mask.toArray(), (m) => (m !== 0 ? 0 : -Infinity)), mask.shape);
}

/** (T, S) additive mask hiding keys j > i. */
function causalMask(T: number, S: number): Tensor {
  const m = new Float32Array(T * S);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < S; j++) m[i * S + j] = -Infinity;
  return tensor(m, [T, S]);
}

function unfused(q: Tensor, k: Tensor, v: Tensor, keep: Tensor | null, opts: AttentionOptions, scale: number): Tensor {
  const [B, , T] = q.shape;
  const S = k.shape[2];
  let scores = mul(matmul(q, transpose(k)), scale);
  const masks = [additive(opts.attnMask!)];
  if (opts.isCausal) masks.push(causalMask(T, S));
  if (keep !== null) masks.push(reshape(additive(keep), [B, 1, 1, S]));
  for (const m of masks) scores = add(scores, m);
  return matmul(softmax(scores, -1), v);
}

/**
 * softmax(scale q k^T + masks) v, as torch.nn.functional.scaled_dot_product_attention: q is
 * (B, H, T, D) or (B, T, D), k (.., S, D), v (.., S, Dv). Without attnMask it runs the fused
 * kernel, and a query row that sees no key at all gives zeros (and zero gradients) instead of
 * PyTorch's NaN.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options?: AttentionOptions, ...none: []): Tensor {
  const op = 'scaledDotProductAttention';
  const opts = ATTENTION.parseLast(options, none);
  if (q.ndim !== k.ndim || q.ndim !== v.ndim || (q.ndim !== 3 && q.ndim !== 4)) {
    throw new ShapeError(
      `${op}: q, k, v must all be (B, H, T, D) or all (B, T, D); got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}`,
    );
  }
  if (q.ndim === 3) {
    const out = scaledDotProductAttention(unsqueeze(q, 1), unsqueeze(k, 1), unsqueeze(v, 1), opts);
    return squeeze(out, 1);
  }
  const isCausal = opts.isCausal ?? false;
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape[3]);
  const [B, S] = [q.shape[0], k.shape[2]];
  const keep = opts.keyPaddingMask === undefined || opts.keyPaddingMask === null ? null : keptKeys(opts.keyPaddingMask, B, S);
  if (opts.attnMask !== undefined && opts.attnMask !== null) return unfused(q, k, v, keep, { ...opts, isCausal }, scale);
  const out = runOp('attention', keep === null ? [q, k, v] : [q, k, v, keep], { causal: isCausal, scale });
  keep?.dispose();
  return out;
}
