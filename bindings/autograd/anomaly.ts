// Anomaly mode, as PyTorch's: every op's output (and, in backward, every gradient an op hands
// back) is scanned for NaN and Inf, and the first op that makes one throws, naming itself and
// its input shapes. It reads every output once more, so it is off unless asked for.
import { formatShape, RuntimeError } from '../errors.js';
import { engine } from '../runtime/engine.js';
import type { Tensor } from '../tensor.js';

let enabled = false;

/** Turns anomaly detection on or off (off by default). */
export function detectAnomaly(on = true): void {
  enabled = on === true;
}

export function isAnomalyEnabled(): boolean {
  return enabled;
}

/** Index (row-major) of the first NaN or Inf in a float32 tensor, or -1. */
function firstNonFinite(t: Tensor): number {
  if (t.dtype !== 'float32' || t.isDisposed) return -1;
  if (t.isContiguous()) {
    const f32 = engine().heap.f32;
    const base = t.ptr() >> 2;
    for (let i = 0; i < t.size; i++) if (!Number.isFinite(f32[base + i])) return i;
    return -1;
  }
  return t.toArray().findIndex((v) => !Number.isFinite(v));
}

function describe(inputs: readonly (Tensor | null)[]): string {
  return inputs.map((t) => (t === null ? 'none' : `${formatShape(t.shape)} ${t.dtype}${firstNonFinite(t) >= 0 ? ' (already non-finite)' : ''}`)).join(', ');
}

/** Throws if any of `outputs` holds NaN or Inf; `what` names the op (or its backward). */
export function checkFinite(what: string, outputs: readonly (Tensor | null)[], inputs: readonly (Tensor | null)[]): void {
  for (const [k, t] of outputs.entries()) {
    if (t === null) continue;
    const at = firstNonFinite(t);
    if (at < 0) continue;
    const value = t.toArray()[at];
    throw new RuntimeError(
      `anomaly: ${what} produced ${value} at index ${at} of ${outputs.length > 1 ? `output ${k}` : 'its output'} ` +
        `${formatShape(t.shape)}; inputs: ${describe(inputs)}`,
    );
  }
}
