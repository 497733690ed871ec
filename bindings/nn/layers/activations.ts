// Activation layers: stateless modules over the ops of the same names.
import { Module } from '../module.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../../ops/unary.js';
import { softmax } from '../../ops/softmax.js';
import { hardswish, mish, prelu, selu, silu, softplus, SOFTPLUS, type SoftplusOptions } from '../../ops/activations.js';
import { full } from '../../creation.js';
import { ArgumentError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions, noOptions } from '../../options.js';

const LEAKY_RELU = defineOptions<{ negativeSlope?: number }>('LeakyReLU', { negativeSlope: 'number' });
const GELU_LAYER = defineOptions<{ approximate?: 'none' | 'tanh' }>('GELU', { approximate: "'none'|'tanh'" });
const SOFTMAX = defineOptions<{ dim?: number }>('Softmax', { dim: 'number' });
const SOFTPLUS_LAYER = SOFTPLUS.derive<SoftplusOptions>('Softplus', {});
const PRELU_LAYER = defineOptions<{ numParameters?: number; init?: number }>('PReLU', { numParameters: 'number', init: 'number' });

/** A module whose forward is one op on one tensor, as the base of a stateless layer. */
interface Applying extends Module {
  forward(x: Tensor): Tensor;
}

/** The layer's class; its constructor takes no arguments, as `name` (the layer's) says when given one. */
function applying(fn: (x: Tensor) => Tensor, name: string): new () => Applying {
  const declaration = noOptions(name);
  return class extends Module {
    constructor(...none: []) {
      super();
      declaration.fromArguments(none);
    }

    forward(x: Tensor): Tensor {
      return fn(x);
    }
  };
}

export class ReLU extends applying(relu, 'ReLU') {}

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

export class Tanh extends applying(tanh, 'Tanh') {}

export class Sigmoid extends applying(sigmoid, 'Sigmoid') {}

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

export class SiLU extends applying(silu, 'SiLU') {}

export class Mish extends applying(mish, 'Mish') {}

export class Hardswish extends applying(hardswish, 'Hardswish') {}

export class SELU extends applying(selu, 'SELU') {}

/** torch.nn.Softplus(beta, threshold), by position or as one options object. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(...args: [beta?: number, threshold?: number] | [SoftplusOptions]) {
    super();
    const { beta = 1, threshold = 20 } = SOFTPLUS_LAYER.fromArguments(args);
    [this.beta, this.threshold] = [beta, threshold];
  }

  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
}

/** torch.nn.PReLU: one learned slope for negative inputs, or one per channel (dim 1); initially `init`. */
export class PReLU extends Module {
  readonly weight: Tensor;

  constructor(...args: [numParameters?: number, init?: number] | [{ numParameters?: number; init?: number }]) {
    super();
    const { numParameters = 1, init = 0.25 } = PRELU_LAYER.fromArguments(args);
    if (!Number.isInteger(numParameters) || numParameters < 1) {
      throw new ArgumentError(`PReLU: numParameters must be a whole number >= 1, got ${numParameters}`);
    }
    if (!Number.isFinite(init)) throw new ArgumentError(`PReLU: init must be a finite number, got ${String(init)}`);
    this.weight = this.addParameter('weight', full([numParameters], init));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
}
