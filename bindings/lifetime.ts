// When tensors die. `scope(fn)` frees every tensor made inside fn that fn does not return, which
// keeps a training loop's memory flat; a FinalizationRegistry frees what users forget, later.
import { ArgumentError } from './errors.js';

interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const scopes: Set<Disposable>[] = [];
let liveTensors = 0;

export function liveTensorCount(): number {
  return liveTensors;
}

/** Called by every Tensor as it is made. */
export function track(t: Disposable): void {
  liveTensors++;
  scopes[scopes.length - 1]?.add(t);
}

/** Called by every Tensor as it is disposed. */
export function untrack(t: Disposable): void {
  liveTensors--;
  for (const s of scopes) s.delete(t);
}

/** Called when the garbage collector finds a tensor that was never disposed. */
export function untrackCollected(): void {
  liveTensors--;
}

/**
 * Takes tensors out of every enclosing scope, so they outlive it: parameters, optimizer state
 * and gradients are kept this way.
 */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, into: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (typeof (value as Disposable).dispose === 'function' && 'isDisposed' in (value as object)) {
    into.add(value as Disposable);
    return;
  }
  const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of items) collect(v, into, depth + 1);
}

/**
 * Runs `fn` and disposes every tensor it made, except those it returns (directly, or inside
 * arrays, Maps and plain objects), which move to the enclosing scope. `fn` must be synchronous:
 * a scope cannot follow an `await`.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`scope: expected a function to run, got ${String(fn)}`);
  const made = new Set<Disposable>();
  scopes.push(made);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of made) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new ArgumentError('scope: fn returned a Promise; a scope only covers synchronous code');
  }
  const returned = new Set<Disposable>();
  collect(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const t of made) {
    if (returned.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
