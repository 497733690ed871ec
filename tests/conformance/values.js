// Moving values between the ONNX reader's tensors ({dtype, dims, data}) and wasmgrad.
// wasmgrad's dtypes are float32 and int32; ONNX's int64 (indices, shapes, axes) is narrowed to
// int32 when every value fits, and a case whose values do not fit is refused, never wrapped.

/** Thrown when a case needs something our API cannot represent; the runner reports it as unsupported. */
export class UnsupportedCase extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'UnsupportedCase';
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Integer values (int8..uint64, incl. BigInt arrays) as an Int32Array; refuses any value out of range. */
export function toInt32Array(t) {
  const out = new Int32Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new UnsupportedCase(`${t.dtype} value ${t.data[i]} at index ${i} of '${t.name}' does not fit int32`);
    }
    out[i] = v;
  }
  return out;
}

/** Integer values as exact float32 (for an exponent given as ints); refuses values float32 would round. */
export function toFloat32Array(t) {
  if (t.dtype === 'float32') return t.data;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (Math.abs(v) > 2 ** 24) throw new UnsupportedCase(`${t.dtype} value ${t.data[i]} of '${t.name}' is not exact in float32`);
    out[i] = v;
  }
  return out;
}

/** A JS number array (shapes, axes, perms). */
export const toInts = (t) => Array.from(toInt32Array(t));

/** The value of a one-element tensor as a JS number. */
export function toScalar(t) {
  if (t.data.length !== 1) throw new UnsupportedCase(`'${t.name}' should hold one value, has dims [${t.dims}]`);
  return Number(t.data[0]);
}
