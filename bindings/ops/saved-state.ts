// State a backward needs beyond the op's inputs and output (the LSTM's gates and cell states,
// attention's log-sum-exp rows). The registry records one output per op, so that state is
// hung on the output: it lives exactly as long as the graph can still use it. It is freed by the
// backward that consumes it, or when the output is disposed (by hand, or by the scope that made
// it) without a backward, whichever comes first; a forward that records no graph frees it at once.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { DisposedError } from '../errors.js';
import { keep } from '../lifetime.js';
import type { Tensor } from '../tensor.js';

export interface Saved<T> {
  /** What the backward reads. */
  readonly value: T;
  /** The tensors it holds, taken out of every scope. */
  readonly tensors: readonly Tensor[];
  dispose(): void;
}

const savedByOutput = new WeakMap<Tensor, Saved<unknown>>();

/** Whether runOp will record a graph node for these inputs: mirrors its test. */
export function willRecord(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}

/**
 * Ties `saved` to `output`. Its tensors leave every scope, so a graph returned out of a scope
 * keeps its state; disposing `output` frees it.
 */
export function attachSaved<T>(output: Tensor, saved: Saved<T>): void {
  for (const t of saved.tensors) keep(t);
  savedByOutput.set(output, saved);
  output.onDispose(() => releaseSaved(output));
}

/** The state attached to `output`, for its backward; throws when it was freed already. */
export function savedOf<T>(op: string, output: Tensor): T {
  const saved = savedByOutput.get(output);
  if (saved === undefined) {
    throw new DisposedError(`${op}: the saved state of this graph was freed (its output was disposed before backward)`);
  }
  return saved.value as T;
}

/** Frees the state attached to `output`, once. */
export function releaseSaved(output: Tensor): void {
  const saved = savedByOutput.get(output);
  if (saved === undefined) return;
  savedByOutput.delete(output);
  saved.dispose();
}
