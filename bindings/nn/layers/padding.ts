// Padding layers, as torch.nn's: stateless modules over pad() for the last 1, 2 or 3 dims. The
// padding is one number for every side or 2 per dim: [left, right, top, bottom, front, back].
import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { pad, type PadMode } from '../../ops/pad.js';
import type { Tensor } from '../../tensor.js';
import { defineOptions } from '../../options.js';

interface PadArguments {
  padding?: number | readonly number[];
  value?: number;
}

/**
 * A padding layer's arguments, which torch's take by position: the padding, and for the
 * Constant layers the value too, both required.
 */
function padArguments(layer: string, takesValue: boolean) {
  return takesValue
    ? defineOptions<PadArguments>(layer, { padding: 'number|number[]', value: 'number' }, ['padding', 'value'])
    : defineOptions<Pick<PadArguments, 'padding'>>(layer, { padding: 'number|number[]' }, ['padding']);
}

abstract class PadLayer extends Module {
  /** [before, after] per padded dim, from the last dim backwards, as pad() takes them. */
  readonly padding: number[];
  readonly value: number;

  /** `given` is the layer's constructor arguments; only the Constant layers take a value. */
  constructor(dims: 1 | 2 | 3, readonly mode: PadMode, takesValue: boolean, given: readonly unknown[]) {
    super();
    const name = this.constructor.name;
    const { padding, value = 0 }: PadArguments = padArguments(name, takesValue).fromArguments(given);
    this.value = value;
    const list: unknown[] = typeof padding === 'number' ? Array(2 * dims).fill(padding) : Array.isArray(padding) ? [...padding] : [];
    if (list.length !== 2 * dims || list.some((p) => !Number.isInteger(p))) {
      throw new ArgumentError(`${name}: padding must be a whole number or a list of ${2 * dims} of them, got ${JSON.stringify(padding)}`);
    }
    this.padding = list as number[];
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, this.mode === 'constant' ? { mode: 'constant', value: this.value } : { mode: this.mode });
  }
}

/** Pads the last dim of (N, C, L) with `value`. */
export class ConstantPad1d extends PadLayer {
  constructor(padding: number | readonly number[], value: number, ...none: []) {
    super(1, 'constant', true, [padding, value, ...none]);
  }
}

/** Pads the last 2 dims of (N, C, H, W) with `value`. */
export class ConstantPad2d extends PadLayer {
  constructor(padding: number | readonly number[], value: number, ...none: []) {
    super(2, 'constant', true, [padding, value, ...none]);
  }
}

/** Pads the last 3 dims of (N, C, D, H, W) with `value`. */
export class ConstantPad3d extends PadLayer {
  constructor(padding: number | readonly number[], value: number, ...none: []) {
    super(3, 'constant', true, [padding, value, ...none]);
  }
}

export class ZeroPad1d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(1, 'constant', false, [padding, ...none]);
  }
}

export class ZeroPad2d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(2, 'constant', false, [padding, ...none]);
  }
}

export class ZeroPad3d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(3, 'constant', false, [padding, ...none]);
  }
}

/** Mirrors about the edge without repeating it; each amount below the dim's size. */
export class ReflectionPad1d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(1, 'reflect', false, [padding, ...none]);
  }
}

export class ReflectionPad2d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(2, 'reflect', false, [padding, ...none]);
  }
}

export class ReflectionPad3d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(3, 'reflect', false, [padding, ...none]);
  }
}

/** Repeats the edge element. */
export class ReplicationPad1d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(1, 'replicate', false, [padding, ...none]);
  }
}

export class ReplicationPad2d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(2, 'replicate', false, [padding, ...none]);
  }
}

export class ReplicationPad3d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(3, 'replicate', false, [padding, ...none]);
  }
}

/** Wraps around: the other end's elements; each amount at most the dim's size. */
export class CircularPad1d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(1, 'circular', false, [padding, ...none]);
  }
}

export class CircularPad2d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(2, 'circular', false, [padding, ...none]);
  }
}

export class CircularPad3d extends PadLayer {
  constructor(padding: number | readonly number[], ...none: []) {
    super(3, 'circular', false, [padding, ...none]);
  }
}
