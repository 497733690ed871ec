// Making tensors: from data, constant fills, and seeded random numbers.
import { checkDType, type DType } from './dtype.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from './errors.js';
import { engine, f32 } from './runtime/engine.js';
import { checkShape, numel } from './shape.js';
import { Storage, Tensor } from './tensor.js';
import { dispatch } from './runtime/dispatch.js';

type Data = ArrayLike<number> | number | NestedArray;
interface NestedArray extends ReadonlyArray<number | NestedArray> {}

function inferShape(data: Data): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  if (shape.length === 0 && typeof data !== 'number') shape.push((data as ArrayLike<number>).length);
  return shape;
}

function flatten(data: Data, out: number[]): void {
  if (typeof data === 'number') out.push(data);
  else if (Array.isArray(data)) for (const d of data) flatten(d as Data, out);
  else for (let i = 0; i < (data as ArrayLike<number>).length; i++) out.push((data as ArrayLike<number>)[i]);
}

/** Allocates an uninitialised contiguous tensor: the output of every op starts here. */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(Storage.allocate(numel(shape)), shape, dtype);
}

/**
 * A tensor holding `data`: a number, a typed or plain array (flat, with `shape`), or nested
 * arrays whose nesting gives the shape.
 */
export function tensor(data: Data, shape?: readonly number[], dtype?: DType): Tensor {
  const dt = dtype === undefined ? (data instanceof Int32Array ? 'int32' : 'float32') : checkDType('tensor', dtype);
  const values: ArrayLike<number> = ArrayBuffer.isView(data) ? (data as ArrayLike<number>) : [];
  let flat = values;
  if (!ArrayBuffer.isView(data)) {
    const list: number[] = [];
    flatten(data, list);
    flat = list;
  }
  const s = shape === undefined ? inferShape(data) : checkShape('tensor', shape);
  if (numel(s) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${formatShape(s)} (${numel(s)} elements)`);
  }
  if (dt === 'int32') {
    for (let i = 0; i < flat.length; i++) {
      if (!Number.isInteger(flat[i]) || flat[i] < -(2 ** 31) || flat[i] >= 2 ** 31) {
        throw new DTypeError(`tensor: value ${flat[i]} at index ${i} is not an int32`);
      }
    }
  }
  const t = empty(s, dt);
  const heap = engine().heap;
  (dt === 'int32' ? heap.i32 : heap.f32).set(flat, t.ptr() >> 2);
  return t;
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const s = checkShape('full', shape);
  const dt = checkDType('full', dtype);
  if (typeof value !== 'number') throw new ArgumentError(`full: expected a number to fill with, got ${String(value)}`);
  if (dt === 'int32' && !Number.isInteger(value)) throw new DTypeError(`full: ${value} is not an int32`);
  const t = empty(s, dt);
  if (dt === 'int32') {
    const heap = engine().heap;
    heap.i32.fill(value, t.ptr() >> 2, (t.ptr() >> 2) + t.size);
  } else {
    dispatch('fill_f32', [t.ptr(), t.size, f32(value)], t.size);
  }
  return t;
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 1, dtype);

// The generator behind unseeded calls: a seed that `manualSeed` sets and a count of draws, so a
// program that seeds once gets the same numbers on every run.
let globalSeed = 0x5eed;
let draws = 0;

export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(`manualSeed: expected a whole number >= 0, got ${seed}`);
  }
  globalSeed = seed;
  draws = 0;
}

export interface RandomOptions {
  /** A whole number from 0 to 2^53 - 1. Without it, the global generator's next seed. */
  seed?: number;
}

function seedWords(op: string, seed: number | undefined): [number, number] {
  if (seed === undefined) {
    // Distinct calls get distinct, well-spread seeds: 2^32 apart, mixed with a 32-bit hash.
    draws++;
    return [Math.imul(draws, 0x9e3779b1) >>> 0, globalSeed >>> 0];
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(`${op}: seed must be a whole number from 0 to 2^53 - 1, got ${seed}`);
  }
  return [Math.floor(seed / 2 ** 32), seed >>> 0];
}

/** Uniform numbers in [low, high). */
export function rand(shape: readonly number[], opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const s = checkShape('rand', shape);
  const [hi, lo] = seedWords('rand', opts.seed);
  const t = empty(s);
  dispatch('rand_uniform', [t.ptr(), t.size, hi, lo, f32(opts.low ?? 0), f32(opts.high ?? 1)], t.size * 8);
  return t;
}

/** Normal numbers with the given mean (default 0) and std (default 1). */
export function randn(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = checkShape('randn', shape);
  const [hi, lo] = seedWords('randn', opts.seed);
  const t = empty(s);
  dispatch('rand_normal', [t.ptr(), t.size, hi, lo, f32(opts.mean ?? 0), f32(opts.std ?? 1)], t.size * 32);
  return t;
}
