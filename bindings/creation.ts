// Making tensors: from data, constant fills, and seeded random numbers.
import { checkDType, type DType } from './dtype.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from './errors.js';
import { engine } from './runtime/engine.js';
import { checkShape, numel } from './shape.js';
import { Storage, Tensor } from './tensor.js';
import { fillTask, randomTask } from './runtime/generated/kernel-args.js';
import { OptionsDeclaration } from './options.js';

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

/** PyTorch's keyword arguments of the creation functions; a plain dtype string is accepted too. */
export interface CreationOptions {
  dtype?: DType;
  /** Make a leaf whose `.grad` backward fills (float32 only). */
  requiresGrad?: boolean;
}

interface Creation {
  dtype: DType;
  requiresGrad: boolean;
}

const CREATION_FIELDS = { dtype: 'string', requiresGrad: 'boolean' } as const;
const RANDOM_FIELDS = {
  rand: { seed: 'number', low: 'number', high: 'number', ...CREATION_FIELDS },
  randn: { seed: 'number', mean: 'number', std: 'number', ...CREATION_FIELDS },
} as const;
const declarations = new Map<string, OptionsDeclaration<object>>();

/** The declaration of `op`'s options, made on its first call: every creation function shares the fields. */
function declarationOf(op: string): OptionsDeclaration<object> {
  let d = declarations.get(op);
  if (d === undefined) {
    d = new OptionsDeclaration(op, op === 'rand' || op === 'randn' ? RANDOM_FIELDS[op] : CREATION_FIELDS);
    declarations.set(op, d);
  }
  return d;
}

/** The dtype and requiresGrad asked for, checked before anything is allocated; `fallback` when no dtype is given. */
function creationOptions(op: string, arg: DType | CreationOptions | undefined, fallback: DType): Creation {
  if (arg === undefined || typeof arg === 'string') return { dtype: checkDType(op, arg ?? fallback), requiresGrad: false };
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new ArgumentError(`${op}: expected a dtype or options { dtype, requiresGrad }, got ${String(arg)}`);
  }
  declarationOf(op).parse(arg);
  const dtype = checkDType(op, arg.dtype ?? fallback);
  const requiresGrad = arg.requiresGrad ?? false;
  if (requiresGrad && dtype !== 'float32') throw new DTypeError(`${op}: only float32 tensors can require grad, asked for ${dtype}`);
  return { dtype, requiresGrad };
}

/** Marks a new tensor as a leaf that requires grad when it was asked for. */
function finish(t: Tensor, { requiresGrad }: Creation): Tensor {
  t.requiresGrad = requiresGrad;
  return t;
}

/** Allocates an uninitialised contiguous tensor: the output of every op starts here. */
export function empty(shape: readonly number[], options?: DType | CreationOptions): Tensor {
  const opts = creationOptions('empty', options, 'float32');
  return finish(allocate('empty', checkShape('empty', shape), opts.dtype), opts);
}

/** A new contiguous tensor of a checked shape; an allocation failure names `op`. */
function allocate(op: string, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(Storage.allocate(numel(shape), op), shape, dtype);
}

/**
 * A tensor holding `data`: a number, a typed or plain array (flat, with `shape`), or nested
 * arrays whose nesting gives the shape. The dtype is int32 for an Int32Array, else float32,
 * unless given.
 */
export function tensor(data: Data, options?: CreationOptions): Tensor;
export function tensor(data: Data, shape?: readonly number[], options?: DType | CreationOptions): Tensor;
export function tensor(data: Data, shapeOrOptions?: readonly number[] | CreationOptions, options?: DType | CreationOptions): Tensor {
  if (typeof data !== 'number' && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
    throw new ArgumentError(`tensor: expected a number, an array or a typed array, got ${String(data)}`);
  }
  // Only a plain object is options; anything else is a shape, which checkShape judges.
  const optionsSecond = typeof shapeOrOptions === 'object' && shapeOrOptions !== null && !Array.isArray(shapeOrOptions) && !ArrayBuffer.isView(shapeOrOptions);
  if (optionsSecond && options !== undefined) {
    throw new ArgumentError('tensor: expected (data, shape, options) or (data, options), got options in both places');
  }
  const shape = optionsSecond ? undefined : (shapeOrOptions as readonly number[] | undefined);
  const opts = creationOptions('tensor', optionsSecond ? (shapeOrOptions as CreationOptions) : options, data instanceof Int32Array ? 'int32' : 'float32');
  const dt = opts.dtype;
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
  return finish(t, opts);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options?: DType | CreationOptions): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number, options: DType | CreationOptions | undefined): Tensor {
  const s = checkShape(op, shape);
  const opts = creationOptions(op, options, 'float32');
  const dt = opts.dtype;
  if (typeof value !== 'number') throw new ArgumentError(`${op}: expected a number to fill with, got ${String(value)}`);
  if (dt === 'int32' && !Number.isInteger(value)) throw new DTypeError(`${op}: ${value} is not an int32`);
  const t = allocate(op, s, dt);
  if (dt === 'int32') {
    const heap = engine().heap;
    heap.i32.fill(value, t.ptr() >> 2, (t.ptr() >> 2) + t.size);
  } else {
    fillTask('fill_f32', { out: t.ptr(), n: t.size, value }, t.size);
  }
  return finish(t, opts);
}

export const zeros = (shape: readonly number[], options?: DType | CreationOptions): Tensor => filled('zeros', shape, 0, options);
export const ones = (shape: readonly number[], options?: DType | CreationOptions): Tensor => filled('ones', shape, 1, options);

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

/** rand's and randn's options checked: their own keys, the seed, and the creation options, float32 only. */
function randomCreation(op: 'rand' | 'randn', opts: object): Creation {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new ArgumentError(`${op}: expected an options object, got ${String(opts)}`);
  }
  declarationOf(op).parse(opts);
  const { dtype, requiresGrad } = opts as CreationOptions;
  const creation = creationOptions(op, { dtype, requiresGrad }, 'float32');
  if (creation.dtype !== 'float32') throw new DTypeError(`${op}: draws float32 numbers only, asked for ${creation.dtype}`);
  return creation;
}

/** Uniform numbers in [low, high). */
export function rand(shape: readonly number[], opts: RandomOptions & CreationOptions & { low?: number; high?: number } = {}): Tensor {
  const s = checkShape('rand', shape);
  const creation = randomCreation('rand', opts);
  const [seedHigh, seedLow] = seedWords('rand', opts.seed);
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw new ArgumentError(`rand: low and high must be finite numbers, got ${String(low)} and ${String(high)}`);
  }
  if (low > high) throw new ArgumentError(`rand: expected low <= high, got low ${low} and high ${high}`);
  const t = allocate('rand', s, 'float32');
  randomTask('rand_uniform', { out: t.ptr(), n: t.size, seedHigh, seedLow, a: low, b: high }, t.size * 8);
  return finish(t, creation);
}

/** Normal numbers with the given mean (default 0) and std (default 1). */
export function randn(shape: readonly number[], opts: RandomOptions & CreationOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = checkShape('randn', shape);
  const creation = randomCreation('randn', opts);
  const [seedHigh, seedLow] = seedWords('randn', opts.seed);
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  if (!Number.isFinite(mean)) throw new ArgumentError(`randn: mean must be a finite number, got ${String(mean)}`);
  if (!Number.isFinite(std) || std < 0) throw new ArgumentError(`randn: std must be a finite number >= 0, got ${String(std)}`);
  const t = allocate('randn', s, 'float32');
  randomTask('rand_normal', { out: t.ptr(), n: t.size, seedHigh, seedLow, a: mean, b: std }, t.size * 32);
  return finish(t, creation);
}
