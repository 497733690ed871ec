// Every error a user can get from wasmgrad is one of these, so callers can tell a shape mistake
// from a dtype mistake from an engine fault without parsing messages.

export class WasmgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: wrong rank, mismatched sizes, negative or fractional dims. */
export class ShapeError extends WasmgradError {}

/** A tensor of the wrong dtype for the op. */
export class DTypeError extends WasmgradError {}

/** A bad argument that is neither a shape nor a dtype: an option out of range, an unknown name. */
export class ArgumentError extends WasmgradError {}

/** A tensor used after `dispose()`. */
export class DisposedError extends WasmgradError {}

/** The wasm memory cannot hold what was asked for. */
export class OutOfMemoryError extends WasmgradError {}

/** The engine is not ready, a worker failed, or anomaly mode found a NaN or Inf (see detectAnomaly). */
export class RuntimeError extends WasmgradError {}

/** A weight file that cannot be trusted: truncated, corrupt, or inconsistent. */
export class FormatError extends WasmgradError {}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** An ONNX model that needs what wasmgrad cannot express: an op, attribute value, opset or dtype. */
export class UnsupportedError extends ArgumentError {}
