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
  else if (ArrayBuffer.isView(data)) for (let i = 0; i < (data as ArrayLike<number>).length; i++) out.push((data as ArrayLike<number>)[i]);
  else throw new ArgumentError(`tensor: expected numbers, got ${String(data)} (${typeof data}) at index ${out.length}`);
}

/** Allocates an uninitialised contiguous tensor: the output of every op starts here. */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return allocate('empty', checkShape('empty', shape), dtype);
}

/** A new contiguous tensor of a checked shape; an allocation failure names `op`. */
function allocate(op: string, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.allocate(numel(shape), op), shape, dtype);
}

/**
 * A tensor holding `data`: a number, a typed or plain array (flat, with `shape`), or nested
 * arrays whose nesting gives the shape.
 */
export function tensor(data: Data, shape?: readonly number[], dtype?: DType): Tensor {
  if (typeof data !== 'number' && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
    throw new ArgumentError(`tensor: expected a number, an array or a typed array, got ${String(data)}`);
  }
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
  const t = allocate('tensor', s, dt);
  const heap = engine().heap;
  (dt === 'int32' ? heap.i32 : heap.f32).set(flat, t.ptr() >> 2);
  return t;
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  const s = checkShape(op, shape);
  const dt = checkDType(op, dtype);
  if (typeof value !== 'number') throw new ArgumentError(`${op}: expected a number to fill with, got ${String(value)}`);
  if (dt === 'int32' && !Number.isInteger(value)) throw new DTypeError(`${op}: ${value} is not an int32`);
  const t = allocate(op, s, dt);
  if (dt === 'int32') {
    const heap = engine().heap;
    heap.i32.fill(value, t.ptr() >> 2, (t.ptr() >> 2) + t.size);
  } else {
    dispatch('fill_f32', [t.ptr(), t.size, f32(value)], t.size);
  }
  return t;
}

export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('zeros', shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => filled('ones', shape, 1, dtype);

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
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ArgumentError(`rand: low and high must be finite numbers, got ${String(low)} and ${String(high)}`);
  }
  if (low > high) throw new ArgumentError(`rand: expected low <= high, got low ${low} and high ${high}`);
  const t = allocate('rand', s, 'float32');
  dispatch('rand_uniform', [t.ptr(), t.size, hi, lo, f32(low), f32(high)], t.size * 8);
  return t;
}

/** Normal numbers with the given mean (default 0) and std (default 1). */
export function randn(shape: readonly number[], opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = checkShape('randn', shape);
  const [hi, lo] = seedWords('randn', opts.seed);
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  if (!Number.isFinite(mean)) throw new ArgumentError(`randn: mean must be a finite number, got ${String(mean)}`);
  if (!Number.isFinite(std) || std < 0) throw new ArgumentError(`randn: std must be a finite number >= 0, got ${String(std)}`);
  const t = allocate('randn', s, 'float32');
  dispatch('rand_normal', [t.ptr(), t.size, hi, lo, f32(mean), f32(std)], t.size * 32);
  return t;
}
