import type { Tensor } from '../tensor.js';

/**
 * One recorded op in the graph: the tensors it read, and how to turn the gradient of its output
 * into gradients of those inputs (null where an input needs none).
 */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Cleared once backward has run through this node, which frees what the closure holds. */
  backward: ((dy: Tensor) => readonly (Tensor | null)[]) | null;
}
