// Elementwise functions of one tensor. Each gradient is one fused kernel, dx = dy * f'(.), fed
// with the input or, where cheaper, the output (BACKWARD_INPUT: sigmoid, tanh, exp, sqrt, ...).
import { BACKWARD_INPUT, unary, unaryBackward, type UnaryOp } from '../kernels/elementwise.js';
import { expectFloat, markNonDifferentiable, registerGradient, registerKernel, runOp } from '../autograd/registry.js';
import type { Tensor } from '../tensor.js';
import { defineOptions, noOptions } from '../options.js';

interface UnarySpec {
  /** The kernel's op name in bindings/kernels/elementwise.ts. */
  kernel: UnaryOp;
  onnx?: string[];
  differentiable?: boolean;
}

const UNARY: Record<string, UnarySpec> = {
  neg: { kernel: 'neg', onnx: ['Neg'] },
  abs: { kernel: 'abs', onnx: ['Abs'] },
  exp: { kernel: 'exp', onnx: ['Exp'] },
  log: { kernel: 'log', onnx: ['Log'] },
  sqrt: { kernel: 'sqrt', onnx: ['Sqrt'] },
  rsqrt: { kernel: 'rsqrt' },
  square: { kernel: 'square' },
  reciprocal: { kernel: 'reciprocal', onnx: ['Reciprocal'] },
  relu: { kernel: 'relu', onnx: ['Relu'] },
  sigmoid: { kernel: 'sigmoid', onnx: ['Sigmoid'] },
  tanh: { kernel: 'tanh', onnx: ['Tanh'] },
  sin: { kernel: 'sin', onnx: ['Sin'] },
  cos: { kernel: 'cos', onnx: ['Cos'] },
  sign: { kernel: 'sign', onnx: ['Sign'], differentiable: false },
};

const NO_OPTIONS = new Map(Object.keys(UNARY).map((name) => [name, noOptions(name)]));

for (const [name, spec] of Object.entries(UNARY)) {
  registerKernel({
    name,
    simd: true,
    threaded: true,
    onnx: spec.onnx,
    method: true,
    options: NO_OPTIONS.get(name),
    forward: ([x]) => {
      expectFloat(name, x);
      return unary(spec.kernel, x);
    },
  });
  if (spec.differentiable === false) {
    markNonDifferentiable(name);
    continue;
  }
  registerGradient({
    name,
    backward: (dy, { inputs: [x], output }) => [unaryBackward(spec.kernel, dy, BACKWARD_INPUT[spec.kernel] === 'y' ? output : x)],
  });
}

const op = (name: string) => {
  const options = NO_OPTIONS.get(name)!;
  return (x: Tensor, ...none: []): Tensor => {
    options.fromArguments(none);
    return runOp(name, [x]);
  };
};
export const neg = op('neg');
export const abs = op('abs');
export const exp = op('exp');
export const log = op('log');
export const sqrt = op('sqrt');
export const rsqrt = op('rsqrt');
export const square = op('square');
export const reciprocal = op('reciprocal');
export const relu = op('relu');
export const sigmoid = op('sigmoid');
export const tanh = op('tanh');
export const sin = op('sin');
export const cos = op('cos');
export const sign = op('sign');

interface LeakyReluOptions {
  negativeSlope?: number;
}
const LEAKY_RELU = defineOptions<LeakyReluOptions>('leakyRelu', { negativeSlope: 'number' });

registerKernel({
  name: 'leakyRelu',
  simd: true,
  threaded: true,
  onnx: ['LeakyRelu'],
  method: true,
  options: LEAKY_RELU,
  forward: ([x], { slope }) => {
    expectFloat('leakyRelu', x);
    return unary('leaky_relu', x, { slope });
  },
});
registerGradient<{ slope: number }>({
  name: 'leakyRelu',
  backward: (dy, { inputs: [x], attrs: { slope } }) => [unaryBackward('leaky_relu', dy, x, { slope })],
});
/** x for x > 0, negativeSlope * x otherwise (default 0.01), as torch.nn.functional.leaky_relu. */
export function leakyRelu(x: Tensor, ...args: [negativeSlope?: number] | [LeakyReluOptions]): Tensor {
  const { negativeSlope = 0.01 } = LEAKY_RELU.fromArguments(args);
  return runOp('leakyRelu', [x], { slope: negativeSlope });
}

interface GeluOptions {
  approximate?: 'none' | 'tanh';
}
const GELU = defineOptions<GeluOptions>('gelu', { approximate: "'none'|'tanh'" });

registerKernel({
  name: 'gelu',
  simd: true,
  threaded: true,
  onnx: ['Gelu'],
  method: true,
  options: GELU,
  forward: ([x], { approximate }) => {
    expectFloat('gelu', x);
    return unary(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', x);
  },
});
registerGradient<{ approximate: 'none' | 'tanh' }>({
  name: 'gelu',
  backward: (dy, { inputs: [x], attrs: { approximate } }) => [
    unaryBackward(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', dy, x),
  ],
});
/** GELU, exact (erf) by default or with PyTorch's tanh approximation. */
export function gelu(x: Tensor, ...args: [approximate?: 'none' | 'tanh'] | [GeluOptions]): Tensor {
  const { approximate = 'none' } = GELU.fromArguments(args);
  return runOp('gelu', [x], { approximate });
}

interface ClampOptions {
  min?: number;
  max?: number;
}
const CLAMP = defineOptions<ClampOptions>('clamp', { min: 'number', max: 'number' });

registerKernel({
  name: 'clamp',
  simd: true,
  threaded: true,
  onnx: ['Clip'],
  method: true,
  options: CLAMP,
  forward: ([x], { min, max }) => {
    expectFloat('clamp', x);
    return unary('clamp', x, { lo: min, hi: max });
  },
});
registerGradient<{ min: number; max: number }>({
  name: 'clamp',
  backward: (dy, { inputs: [x], attrs: { min, max } }) => [unaryBackward('clamp', dy, x, { lo: min, hi: max })],
});
/** x limited to [min, max] (by default unbounded on either side). */
export function clamp(x: Tensor, ...args: [min?: number, max?: number] | [ClampOptions]): Tensor {
  const { min = -Infinity, max = Infinity } = CLAMP.fromArguments(args);
  return runOp('clamp', [x], { min, max });
}

