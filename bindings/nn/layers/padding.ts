// Padding layers, as torch.nn's: stateless modules over pad() for the last 1, 2 or 3 dims. The
// padding is one number for every side or 2 per dim: [left, right, top, bottom, front, back].
import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
import { pad, type PadMode } from '../../ops/pad.js';
import type { Tensor } from '../../tensor.js';

abstract class PadLayer extends Module {
  /** [before, after] per padded dim, from the last dim backwards, as pad() takes them. */
  readonly padding: number[];

  constructor(dims: 1 | 2 | 3, padding: number | readonly number[], readonly mode: PadMode, readonly value = 0) {
    super();
    const name = this.constructor.name;
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
  constructor(padding: number | readonly number[], value: number) {
    super(1, padding, 'constant', value);
  }
}

/** Pads the last 2 dims of (N, C, H, W) with `value`. */
export class ConstantPad2d extends PadLayer {
  constructor(padding: number | readonly number[], value: number) {
    super(2, padding, 'constant', value);
  }
}

/** Pads the last 3 dims of (N, C, D, H, W) with `value`. */
export class ConstantPad3d extends PadLayer {
  constructor(padding: number | readonly number[], value: number) {
    super(3, padding, 'constant', value);
  }
}

export class ZeroPad1d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(1, padding, 'constant');
  }
}

export class ZeroPad2d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(2, padding, 'constant');
  }
}

export class ZeroPad3d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(3, padding, 'constant');
  }
}

/** Mirrors about the edge without repeating it; each amount below the dim's size. */
export class ReflectionPad1d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(1, padding, 'reflect');
  }
}

export class ReflectionPad2d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(2, padding, 'reflect');
  }
}

export class ReflectionPad3d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(3, padding, 'reflect');
  }
}

/** Repeats the edge element. */
export class ReplicationPad1d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(1, padding, 'replicate');
  }
}

export class ReplicationPad2d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(2, padding, 'replicate');
  }
}

export class ReplicationPad3d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(3, padding, 'replicate');
  }
}

/** Wraps around: the other end's elements; each amount at most the dim's size. */
export class CircularPad1d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(1, padding, 'circular');
  }
}

export class CircularPad2d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(2, padding, 'circular');
  }
}

export class CircularPad3d extends PadLayer {
  constructor(padding: number | readonly number[]) {
    super(3, padding, 'circular');
  }
}
