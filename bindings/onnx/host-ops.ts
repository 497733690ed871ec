// Integer arithmetic for the shape computations inside ONNX graphs (Shape → Gather → Mul →
// Concat → Reshape): wasmgrad's kernels are float32, and these tensors are a handful of int32
// values with no gradient, so they are computed on the host with numpy broadcasting.
import { internals, tensor } from '../index.js';
import type { Tensor } from '../tensor.js';

const { broadcastShapes, broadcastStrides, numel } = internals;

/** The flat index into a tensor of `shape` (broadcast to `out`) of each element of `out`. */
function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const strides = broadcastStrides(shape, out);
  const idx = new Int32Array(numel(out));
  for (let i = 0; i < idx.length; i++) {
    let rest = i;
    let flat = 0;
    for (let d = out.length - 1; d >= 0; d--) {
      flat += (rest % out[d]) * strides[d];
      rest = Math.floor(rest / out[d]);
    }
    idx[i] = flat;
  }
  return idx;
}

/** An elementwise function of two tensors' values, broadcast, as a new int32 or float32 tensor. */
export function hostBinary(op: string, a: Tensor, b: Tensor, fn: (x: number, y: number) => number, dtype: 'int32' | 'float32'): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const [av, bv] = [a.toArray(), b.toArray()];
  const [ai, bi] = [broadcastIndex(a.shape, shape), broadcastIndex(b.shape, shape)];
  const out = dtype === 'int32' ? new Int32Array(ai.length) : new Float32Array(ai.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(av[ai[i]], bv[bi[i]]);
  return tensor(out, shape, dtype);
}

/** An elementwise function of one tensor's values as a new tensor of `dtype`. */
export function hostUnary(x: Tensor, fn: (v: number) => number, dtype: 'int32' | 'float32'): Tensor {
  const values = x.toArray();
  const out = dtype === 'int32' ? new Int32Array(values.length) : new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(values[i]);
  return tensor(out, x.shape, dtype);
}

/** A tensor's values as JS numbers (shapes, axes, starts): ONNX passes these as int64 tensors. */
export const intsOf = (t: Tensor): number[] => Array.from(t.toArray());
