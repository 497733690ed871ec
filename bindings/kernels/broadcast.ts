// NumPy broadcasting: the output shape of operands, each operand's strides over that shape (0
// where it is broadcast), and the collapse of that layout to as few dims as the kernels need.
import { ShapeError, formatShape } from '../errors.js';
import { contiguousStrides, type Shape } from '../shape.js';

/** The shape that `shapes` broadcast to, or a ShapeError naming the op and every shape. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (let k = 1; k <= ndim; k++) {
    for (const s of shapes) {
      const d = k <= s.length ? s[s.length - k] : 1;
      const o = out[ndim - k];
      if (d === o || d === 1) continue;
      if (o !== 1) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
            `(dimension ${k} from the right has sizes ${o} and ${d}; each must match or be 1)`,
        );
      }
      out[ndim - k] = d;
    }
  }
  return out;
}

/** Strides, in elements, to read a contiguous tensor of `shape` as `outShape`: 0 on broadcast dims. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = contiguousStrides(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : own[i - lead]));
}

export interface Layout {
  shape: number[];
  /** One stride list per operand, each as long as `shape`. */
  strides: number[][];
}

/**
 * Drops dims of size 1 and merges neighbours that every operand walks as one (stride[d] equals
 * stride[d+1] * shape[d+1]). Same shapes become one dim, a bias row becomes (rows, n) with strides
 * (n, 1) and (0, 1). Never returns zero dims: a single element is shape [1].
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Layout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const merges = last >= 0 && strides.every((s, j) => outStrides[j][last] === s[d] * shape[d]);
    if (merges) {
      outShape[last] *= shape[d];
      strides.forEach((s, j) => (outStrides[j][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, j) => outStrides[j].push(s[d]));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/** The layout without merging, for the scalar references: only a 0-d shape becomes [1]. */
export function uncollapsed(shape: Shape, strides: readonly (readonly number[])[]): Layout {
  if (shape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: [...shape], strides: strides.map((s) => [...s]) };
}
