// Broadcasting arithmetic: add, sub, mul, div, pow, maximum, minimum, and their scalar forms.
// A gradient that flowed through broadcasting is summed back to its input's shape (reduceTo).
import { binary, unary } from '../kernels/elementwise.js';
import { sumTo } from '../kernels/reduce.js';
import { expectFloat, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { sameShape } from '../shape.js';
import { tensor } from '../creation.js';
import { reciprocal } from './unary.js';
import { defineOptions, noOptions, type OptionsDeclaration } from '../options.js';

/** The declarations of the binary ops, which take two operands and no options. */
const BINARY = new Map<string, OptionsDeclaration<object>>(
  ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'].map((name) => [name, noOptions(name)]),
);

/** Sums a gradient `t` down to `shape`, undoing broadcasting; `t` itself when no broadcasting happened. */
export function reduceTo(t: Tensor, shape: readonly number[]): Tensor {
  return sameShape(t.shape, shape) ? t : sumTo(t, shape);
}

function binaryOp(name: string, kernelOp: string, onnx: string[]): void {
  registerKernel({
    name,
    simd: true,
    threaded: true,
    onnx,
    method: true,
    options: BINARY.get(name),
    forward: ([a, b]) => {
      expectFloat(name, a, b);
      return binary(kernelOp as never, a, b);
    },
  });
}

binaryOp('add', 'add', ['Add']);
registerGradient({
  name: 'add',
  // out = a + b
  backward: (dy, { inputs: [a, b] }) => [sumToShape(dy, a), sumToShape(dy, b)],
});

binaryOp('sub', 'sub', ['Sub']);
registerGradient({
  name: 'sub',
  // out = a - b
  backward: (dy, { inputs: [a, b] }) => [sumToShape(dy, a), reduceTo(unary('neg', dy), b.shape)],
});

binaryOp('mul', 'mul', ['Mul']);
registerGradient({
  name: 'mul',
  // out = a * b
  backward: (dy, { inputs: [a, b] }) => [
    a.requiresGrad ? reduceTo(binary('mul', dy, b), a.shape) : null,
    b.requiresGrad ? reduceTo(binary('mul', dy, a), b.shape) : null,
  ],
});

binaryOp('div', 'div', ['Div']);
registerGradient({
  name: 'div',
  // out = a / b, so d/da = 1 / b and d/db = -a / b^2 = -out / b
  backward: (dy, { inputs: [a, b], output }) => {
    const da = a.requiresGrad ? reduceTo(binary('div', dy, b), a.shape) : null;
    let db: Tensor | null = null;
    if (b.requiresGrad) {
      const q = binary('div', binary('mul', dy, output), b);
      db = reduceTo(unary('neg', q), b.shape);
    }
    return [da, db];
  },
});

/** dy summed to x's shape; dy itself when no broadcasting happened (backward aliases it). */
function sumToShape(dy: Tensor, x: Tensor): Tensor | null {
  return x.requiresGrad ? reduceTo(dy, x.shape) : null;
}

for (const [name, onnx] of [['maximum', 'Max'], ['minimum', 'Min']] as const) {
  binaryOp(name, name, [onnx]);
  registerGradient({
    name,
    // The gradient goes to whichever input was chosen; on a tie, to a.
    backward: (dy, { inputs: [a, b] }) => {
      const chose = binary(name === 'maximum' ? 'ge' : 'le', a, b);
      const da = a.requiresGrad ? reduceTo(binary('mul', dy, chose), a.shape) : null;
      let db: Tensor | null = null;
      if (b.requiresGrad) db = reduceTo(binary('sub', dy, binary('mul', dy, chose)), b.shape);
      return [da, db];
    },
  });
}

interface AffineOptions {
  scale?: number;
  shift?: number;
}
const AFFINE = defineOptions<AffineOptions>('affine', { scale: 'number', shift: 'number' });

registerKernel({
  name: 'affine',
  simd: true,
  threaded: true,
  options: AFFINE,
  forward: ([x], { scale, shift }) => {
    expectFloat('affine', x);
    return unary('affine', x, { a: scale, b: shift });
  },
});
registerGradient<{ scale: number; shift: number }>({
  name: 'affine',
  // out = scale * x + shift
  backward: (dy, { attrs: { scale } }) => [unary('affine', dy, { a: scale, b: 0 })],
});

/** scale * x + shift, elementwise, in one pass (scale 1 and shift 0 when not given). */
export function affine(x: Tensor, ...args: [scale?: number, shift?: number] | [AffineOptions]): Tensor {
  const { scale = 1, shift = 0 } = AFFINE.fromArguments(args);
  return runOp('affine', [x], { scale, shift });
}

type Operand = Tensor | number;

function checkScalar(op: string, v: number): number {
  if (typeof v !== 'number') throw new ArgumentError(`${op}: expected a Tensor or a number, got ${String(v)}`);
  return v;
}

export function add(a: Operand, b: Operand, ...none: []): Tensor {
  BINARY.get('add')!.fromArguments(none);
  if (typeof b === 'number') return affine(a as Tensor, 1, checkScalar('add', b));
  if (typeof a === 'number') return affine(b, 1, checkScalar('add', a));
  return runOp('add', [a, b]);
}

export function sub(a: Operand, b: Operand, ...none: []): Tensor {
  BINARY.get('sub')!.fromArguments(none);
  if (typeof b === 'number') return affine(a as Tensor, 1, -checkScalar('sub', b));
  if (typeof a === 'number') return affine(b, -1, checkScalar('sub', a));
  return runOp('sub', [a, b]);
}

export function mul(a: Operand, b: Operand, ...none: []): Tensor {
  BINARY.get('mul')!.fromArguments(none);
  if (typeof b === 'number') return affine(a as Tensor, checkScalar('mul', b), 0);
  if (typeof a === 'number') return affine(b, checkScalar('mul', a), 0);
  return runOp('mul', [a, b]);
}

export function div(a: Operand, b: Operand, ...none: []): Tensor {
  BINARY.get('div')!.fromArguments(none);
  if (typeof b === 'number') return affine(a as Tensor, 1 / checkScalar('div', b), 0);
  if (typeof a === 'number') return mul(checkScalar('div', a), reciprocal(b));
  return runOp('div', [a, b]);
}

export function maximum(a: Tensor, b: Tensor, ...none: []): Tensor {
  BINARY.get('maximum')!.fromArguments(none);
  return runOp('maximum', [a, b]);
}

export function minimum(a: Tensor, b: Tensor, ...none: []): Tensor {
  BINARY.get('minimum')!.fromArguments(none);
  return runOp('minimum', [a, b]);
}

registerKernel({
  name: 'pow',
  simd: false,
  threaded: true,
  onnx: ['Pow'],
  method: true,
  options: BINARY.get('pow'),
  forward: ([a, b]) => {
    expectFloat('pow', a, b);
    return binary('pow', a, b);
  },
});
registerGradient({
  name: 'pow',
  // out = a ** b, so d/da = b * a ** (b - 1) and d/db = out * log(a)
  backward: (dy, { inputs: [a, b], output }) => {
    let da: Tensor | null = null;
    if (a.requiresGrad) {
      const p = binary('pow', a, unary('affine', b, { a: 1, b: -1 }));
      da = reduceTo(binary('mul', dy, binary('mul', p, b)), a.shape);
    }
    let db: Tensor | null = null;
    if (b.requiresGrad) db = reduceTo(binary('mul', dy, binary('mul', output, unary('log', a))), b.shape);
    return [da, db];
  },
});

registerKernel({
  name: 'powScalar',
  simd: false,
  threaded: true,
  options: BINARY.get('pow'),
  forward: ([x], { exponent }) => {
    expectFloat('pow', x);
    const e = tensor([exponent], []);
    const out = binary('pow', x, e);
    e.dispose();
    return out;
  },
});
registerGradient<{ exponent: number }>({
  name: 'powScalar',
  // out = x ** p, so d/dx = p * x ** (p - 1)
  backward: (dy, { inputs: [x], attrs: { exponent } }) => {
    const p = binary('pow', x, tensor([exponent - 1], []));
    return [binary('mul', dy, unary('affine', p, { a: exponent, b: 0 }))];
  },
});

/** a ** b elementwise, with broadcasting; b may be a number. */
export function pow(a: Tensor, b: Operand, ...none: []): Tensor {
  BINARY.get('pow')!.fromArguments(none);
  if (typeof b === 'number') return runOp('powScalar', [a], { exponent: b });
  return runOp('pow', [a, b]);
}
