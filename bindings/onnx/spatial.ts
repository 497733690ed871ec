// ONNX's spatial attributes (kernel_shape, strides, pads, dilations, auto_pad, output_shape) as the
// stride/padding/dilation wasmgrad's conv and pool ops take, torch style. 1-D ops run as 2-D ops
// on images of height 1.
import { UnsupportedError } from '../index.js';
import type { Attrs } from '../autograd/registry.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export interface Geometry {
  rank: number;
  stride: number[];
  dilation: number[];
  kernel: number[];
  /** [h, w] when symmetric, else [top, left, bottom, right] (3-D: per dim begin then end). */
  padding: number[];
}

/**
 * ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] as wg's padding; auto_pad SAME_* pads so
 * that out = ceil(in / stride), the extra pixel at the end (UPPER) or the start (LOWER).
 */
export function geometry(op: string, attrs: Attrs, inputShape: readonly number[], kernel: number[], ranks: number[]): Geometry {
  const rank = inputShape.length - 2;
  if (!ranks.includes(rank)) {
    throw new UnsupportedError(`${op}: ${rank}-D input ${JSON.stringify(inputShape)}: wasmgrad maps ${ranks.join('-D or ')}-D (1-D as height 1)`);
  }
  const stride: number[] = attrs.strides ?? Array(rank).fill(1);
  const dilation: number[] = attrs.dilations ?? Array(rank).fill(1);
  const autoPad: string = attrs.auto_pad ?? 'NOTSET';
  let pads: number[] = attrs.pads ?? Array(2 * rank).fill(0);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = Array(2 * rank).fill(0);
    for (let d = 0; d < rank; d++) {
      const size = inputShape[2 + d];
      const total = Math.max(0, (Math.ceil(size / stride[d]) - 1) * stride[d] + (kernel[d] - 1) * dilation[d] + 1 - size);
      const small = Math.floor(total / 2);
      [pads[d], pads[d + rank]] = autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }
  } else if (autoPad === 'VALID') {
    pads = Array(2 * rank).fill(0);
  }
  const symmetric = range(rank).every((d) => pads[d] === pads[d + rank]);
  return { rank, stride, dilation, kernel, padding: symmetric ? pads.slice(0, rank) : pads };
}

/** A 1-D op's attributes as those of the 2-D op on images of height 1. */
export function liftAttrs1d(attrs: Attrs): Attrs {
  const lifted = { ...attrs };
  for (const [name, one] of [['kernel_shape', 1], ['strides', 1], ['dilations', 1], ['output_padding', 0], ['output_shape', 1]] as const) {
    if (attrs[name] !== undefined) lifted[name] = [one, ...attrs[name]];
  }
  if (attrs.pads !== undefined) lifted.pads = [0, attrs.pads[0], 0, attrs.pads[1]];
  return lifted;
}

/**
 * ConvTranspose's output_shape (and auto_pad SAME_*, which asks for in * stride) as the pads and
 * output_padding torch derives the output size from: the total padding is what the default output
 * size has beyond the requested one, split as the ONNX spec says; an output larger than the
 * default grows by output_padding at the bottom/right instead.
 */
export function transposedPads(attrs: Attrs, inputShape: readonly number[], kernel: number[]): Attrs {
  const autoPad = attrs.auto_pad ?? 'NOTSET';
  if (attrs.output_shape === undefined && autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') return attrs;
  const sizes = inputShape.slice(2);
  const rank = sizes.length;
  const stride: number[] = attrs.strides ?? Array(rank).fill(1);
  const dilation: number[] = attrs.dilations ?? Array(rank).fill(1);
  const requested: number[] = attrs.output_shape?.slice(-rank) ?? sizes.map((s, d) => s * stride[d]);
  const outputPadding: number[] = [...(attrs.output_padding ?? Array(rank).fill(0))];
  const pads = Array(2 * rank).fill(0);
  for (let d = 0; d < rank; d++) {
    const total = stride[d] * (sizes[d] - 1) + outputPadding[d] + (kernel[d] - 1) * dilation[d] + 1 - requested[d];
    if (total < 0) {
      outputPadding[d] -= total;
      continue;
    }
    const half = Math.floor(total / 2);
    [pads[d], pads[d + rank]] = autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
  }
  if (outputPadding.some((p, d) => p >= Math.max(stride[d], dilation[d]))) {
    throw new UnsupportedError(
      `ConvTranspose: output_shape [${requested}] needs output_padding [${outputPadding}], which torch allows only below the stride or dilation`,
    );
  }
  const { output_shape: _, ...rest } = attrs;
  return { ...rest, auto_pad: 'NOTSET', pads, output_padding: outputPadding };
}
