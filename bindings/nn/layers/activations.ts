// Activation layers: stateless modules over the ops of the same names.
import { Module } from '../module.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../../ops/unary.js';
import { softmax } from '../../ops/softmax.js';
import { hardswish, mish, prelu, selu, silu, softplus } from '../../ops/activations.js';
import { full } from '../../creation.js';
import { ArgumentError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';

/** A module whose forward is one op on one tensor, as the base of a stateless layer. */
interface Applying extends Module {
  forward(x: Tensor): Tensor;
}

function applying(fn: (x: Tensor) => Tensor): new () => Applying {
  return class extends Module {
    forward(x: Tensor): Tensor {
      return fn(x);
    }
  };
}

export class ReLU extends applying(relu) {}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

export class Tanh extends applying(tanh) {}

export class Sigmoid extends applying(sigmoid) {}

export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

export class SiLU extends applying(silu) {}

export class Mish extends applying(mish) {}

export class Hardswish extends applying(hardswish) {}

export class SELU extends applying(selu) {}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }

  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
}

/** torch.nn.PReLU: one learned slope for negative inputs, or one per channel (dim 1); initially `init`. */
export class PReLU extends Module {
  readonly weight: Tensor;

  constructor(numParameters = 1, init = 0.25) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) {
      throw new ArgumentError(`PReLU: numParameters must be a whole number >= 1, got ${numParameters}`);
    }
    if (typeof init !== 'number' || !Number.isFinite(init)) throw new ArgumentError(`PReLU: init must be a finite number, got ${String(init)}`);
    this.weight = this.addParameter('weight', full([numParameters], init));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
}
