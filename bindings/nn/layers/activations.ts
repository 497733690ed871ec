// Activation layers: stateless modules over the ops of the same names.
import { Module } from '../module.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../../ops/unary.js';
import { softmax } from '../../ops/softmax.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

const LEAKY_RELU = defineOptions<{ negativeSlope?: number }>('LeakyReLU', { negativeSlope: 'number' });
const GELU_LAYER = defineOptions<{ approximate?: 'none' | 'tanh' }>('GELU', { approximate: "'none'|'tanh'" });
const SOFTMAX = defineOptions<{ dim?: number }>('Softmax', { dim: 'number' });

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;

  constructor(...args: [negativeSlope?: number] | [{ negativeSlope?: number }]) {
    super();
    this.negativeSlope = LEAKY_RELU.fromArguments(args).negativeSlope ?? 0.01;
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(...args: [approximate?: 'none' | 'tanh'] | [{ approximate?: 'none' | 'tanh' }]) {
    super();
    this.approximate = GELU_LAYER.fromArguments(args).approximate ?? 'none';
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Softmax extends Module {
  readonly dim: number;

  constructor(...args: [dim?: number] | [{ dim?: number }]) {
    super();
    this.dim = SOFTMAX.fromArguments(args).dim ?? -1;
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}
