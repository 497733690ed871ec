// Shape-only subgraphs (Constant, Shape of constants, Gather on shapes, Concat of shapes, Cast,
// Range, Reshape with computed shapes...) evaluated once at load: a node whose inputs are all
// constants, and whose result depends on neither the mode nor random numbers, becomes a constant.
// Float initializers are parameters, not constants, so nothing trained is ever frozen.
import { keep, noGrad } from '../index.js';
import type { Tensor } from '../tensor.js';
import type { PlannedNode } from './graph.js';
import { runNode } from './run-node.js';

/** Evaluates what can be evaluated now into `constants`; returns the nodes left to run per call. */
export function foldConstants(steps: readonly PlannedNode[], constants: Map<string, Tensor>): PlannedNode[] {
  const left: PlannedNode[] = [];
  for (const step of steps) {
    const { node, converter } = step;
    const isStatic = !converter.dynamic && node.inputs.every((name) => name === '' || constants.has(name));
    if (!isStatic) {
      left.push(step);
      continue;
    }
    const outputs = noGrad(() => runNode(step, (name) => constants.get(name), false));
    outputs.forEach((t, i) => {
      if (node.outputs[i] === undefined || node.outputs[i] === '') t.dispose();
      else constants.set(node.outputs[i], keep(t));
    });
  }
  return left;
}

