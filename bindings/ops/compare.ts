// Comparisons (float32 0/1 results, no gradient) and where(cond, a, b), which routes gradients.
import { binary, where as whereKernel } from '../kernels/elementwise.js';
import { markNonDifferentiable, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { tensor } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { reduceTo } from './arithmetic.js';
import { noOptions } from '../options.js';

const COMPARISONS = { eq: 'Equal', ne: undefined, lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' } as const;
type Comparison = keyof typeof COMPARISONS;

const NO_OPTIONS = new Map([...Object.keys(COMPARISONS), 'where'].map((name) => [name, noOptions(name)]));

for (const [name, onnx] of Object.entries(COMPARISONS)) {
  registerKernel({
    name, simd: true, threaded: true, onnx: onnx ? [onnx] : [], method: true, options: NO_OPTIONS.get(name),
    forward: ([a, b]) => binary(name as never, a, b),
  });
  markNonDifferentiable(name);
}

function compare(name: Comparison) {
  return (a: Tensor, b: Tensor | number, ...none: []): Tensor => {
    NO_OPTIONS.get(name)!.fromArguments(none);
    if (typeof b !== 'number') return runOp(name, [a, b]);
    const s = tensor([b], []);
    const out = runOp(name, [a, s]);
    s.dispose();
    return out;
  };
}

export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');

registerKernel({
  name: 'where', simd: true, threaded: true, onnx: ['Where'], options: NO_OPTIONS.get('where'), forward: ([c, a, b]) => whereKernel(c, a, b),
});
registerGradient({
  name: 'where',
  // out = cond ? a : b
  backward: (dy, { inputs: [cond, a, b] }) => {
    const zero = tensor([0], []);
    const da = a.requiresGrad ? reduceTo(whereKernel(cond, dy, zero), a.shape) : null;
    const db = b.requiresGrad ? reduceTo(whereKernel(cond, zero, dy), b.shape) : null;
    return [null, da, db];
  },
});

/** Elements of a where cond is nonzero, else of b, with broadcasting. */
export function where(cond: Tensor, a: Tensor, b: Tensor, ...none: []): Tensor {
  NO_OPTIONS.get('where')!.fromArguments(none);
  return runOp('where', [cond, a, b]);
}
