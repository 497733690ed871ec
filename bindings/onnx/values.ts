// Moving values between ONNX tensors (decoded from a file, any dtype) and wasmgrad's float32 and
// int32 tensors. Floats of any width become float32 (fp16 weights are widened); integer and bool
// values become int32 when every value fits, and anything that does not fit is refused, never
// wrapped.
import { tensor, UnsupportedError } from '../index.js';
import type { Tensor } from '../tensor.js';
import type { HostTensor } from './decode.js';

const FLOATS = new Set(['float32', 'float16', 'bfloat16', 'float64']);
/** Integer types whose arithmetic, when narrowed to int32, still gives ONNX's results (no wrap-around below 32 bits). */
const INTEGERS = new Set(['int32', 'int64', 'bool']);

/** Why a value of this ONNX dtype cannot be a wasmgrad tensor, or null when it can. */
export function dtypeProblem(dtype: string): string | null {
  if (FLOATS.has(dtype) || INTEGERS.has(dtype)) return null;
  return `${dtype} (wasmgrad computes in float32 and int32; int64 and bool are narrowed to int32, float16/64 to float32)`;
}

export const isFloatDType = (dtype: string): boolean => FLOATS.has(dtype);

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Integer values as an Int32Array; refuses any value out of int32's range, naming the tensor. */
export function toInt32Array(t: HostTensor): Int32Array {
  const out = new Int32Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new UnsupportedError(`onnx: ${t.dtype} value ${t.data[i]} at index ${i} of '${t.name}' does not fit int32`);
    }
    out[i] = v;
  }
  return out;
}

/** A decoded ONNX tensor as a new wasmgrad tensor: float32 for floats, int32 for integers and bool. */
export function toTensor(t: HostTensor): Tensor {
  const problem = dtypeProblem(t.dtype);
  if (problem !== null) throw new UnsupportedError(`onnx: tensor '${t.name}' is ${problem}`);
  if (FLOATS.has(t.dtype)) return tensor(t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Float64Array), t.dims);
  return tensor(toInt32Array(t), t.dims, 'int32');
}
