// Reverse-mode differentiation over the recorded graph: walk it from the output in reverse
// topological order, handing each node the summed gradient of its output.
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { ones } from '../creation.js';
import { keep, scope } from '../lifetime.js';
import { add } from '../ops/arithmetic.js';
import { contiguous } from '../ops/views.js';
import { sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import { checkFinite, isAnomalyEnabled } from './anomaly.js';

/** Tensors reachable from `root` through recorded ops, each after every tensor it feeds. */
function reverseTopologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // An explicit stack: graphs of long sequences are deeper than the JS call stack.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn?.inputs ?? []) if (input.requiresGrad && !seen.has(input)) stack.push([input, false]);
  }
  return order.reverse();
}

/**
 * Computes the gradient of `root` with respect to every tensor in its graph that requires one,
 * and adds it to their `.grad`. `root` must hold one element unless `gradient` is given.
 */
export function backward(root: Tensor, gradient?: Tensor): void {
  root.assertAlive('backward');
  if (!root.requiresGrad) {
    throw new ArgumentError(
      `backward: the tensor of shape ${formatShape(root.shape)} does not require grad; ` +
        'no op that made it had an input with requiresGrad = true',
    );
  }
  if (gradient === undefined && root.size !== 1) {
    throw new ShapeError(
      `backward: implicit gradients need a one-element output, got shape ${formatShape(root.shape)}; ` +
        'pass the gradient, or reduce the output first (e.g. with mean)',
    );
  }
  if (gradient !== undefined && !sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(
      `backward: gradient of shape ${formatShape(gradient.shape)} does not match output ${formatShape(root.shape)}`,
    );
  }
  if (gradient !== undefined && gradient.dtype !== 'float32') {
    throw new DTypeError(`backward: the gradient must be float32, got ${gradient.dtype}`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, gradient === undefined ? ones(root.shape) : gradient.alias());
    for (const t of reverseTopologicalOrder(root)) {
      const dy = grads.get(t);
      if (dy === undefined) continue;
      grads.delete(t);
      const node = t.gradFn;
      if (node === null) {
        accumulateInto(t, dy);
        continue;
      }
      if (node.backward === null) {
        dy.dispose();
        throw new ArgumentError(
          `backward: the graph through ${node.op} was already used by an earlier backward(); ` +
            'run the forward again to get a new graph',
        );
      }
      // Each gradient runs in a scope of its own: what it makes and does not return is freed
      // as soon as it returns, so gradient code disposes nothing by hand.
      const gradient = node.backward;
      const inputGrads = scope(() => gradient(dy));
      node.backward = null;
      if (isAnomalyEnabled()) checkFinite(`backward of ${node.op}`, inputGrads.map((g) => g ?? null), [dy]);
      const handedOut = new Set<Tensor>();
      node.inputs.forEach((input, i) => {
        let g = inputGrads[i];
        if (g === null || g === undefined) return;
        const borrowed = g === dy || handedOut.has(g) || node.inputs.includes(g);
        if (!input.requiresGrad) {
          if (!borrowed) g.dispose();
          return;
        }
        if (!sameShape(g.shape, input.shape)) {
          throw new ShapeError(
            `backward of ${node.op}: gradient ${formatShape(g.shape)} for input ${i} of shape ` +
              `${formatShape(input.shape)} (an internal error in this op's gradient; please report it)`,
          );
        }
        // Each entry in `grads` owns its Tensor object, so a gradient passed on unchanged to two
        // inputs (as add's is) becomes two objects over one storage.
        if (borrowed) g = g.alias();
        handedOut.add(g);
        const existing = grads.get(input);
        if (existing === undefined) {
          grads.set(input, g);
        } else {
          grads.set(input, add(existing, g));
          existing.dispose();
          g.dispose();
        }
      });
      dy.dispose();
    }
  });
}

declare module '../tensor.js' {
  interface Tensor {
    /** Backpropagates from this tensor into the `.grad` of the leaves: see backward(). */
    backward(gradient?: Tensor): void;
  }
}

// The method is installed from here, not written in tensor.ts, so that tensor.ts imports nothing
// of autograd (whose ops make tensors) and the two form no import cycle.
Tensor.prototype.backward = function backwardFrom(this: Tensor, gradient?: Tensor): void {
  backward(this, gradient);
};

/** Adds a gradient into a leaf's `.grad`, which outlives every scope. */
function accumulateInto(leaf: Tensor, g: Tensor): void {
  leaf.assertAlive('backward (accumulating into a leaf)');
  if (leaf.grad === null) {
    // A parameter used transposed gets a permuted view as its gradient; optimizers want contiguous ones.
    const dense = contiguous(g);
    if (dense !== g) g.dispose();
    leaf.grad = keep(dense);
    return;
  }
  const sum = add(leaf.grad, g);
  leaf.grad.dispose();
  g.dispose();
  leaf.grad = keep(sum);
}
