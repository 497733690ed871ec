// When tensors die. `scope(fn)` frees every tensor made inside fn that fn does not return, which
// keeps a training loop's memory flat; a FinalizationRegistry frees what users forget, later.
// A tensor joins that registry only once it is in no scope (tensor.ts, leftScopes): a scope frees
// what it holds anyway, and registering costs about as much as a small op's own JS work, for each
// of the dozens of temporaries a training step makes.
import { ArgumentError } from './errors.js';

interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Told when no scope holds it any more, so only its user or the garbage collector will free it. */
  leftScopes?(): void;
}

const scopes: Set<Disposable>[] = [];
let liveTensors = 0;

export function liveTensorCount(): number {
  return liveTensors;
}

/** Called by every Tensor as it is made. */
export function track(t: Disposable): void {
  liveTensors++;
  const current = scopes[scopes.length - 1];
  if (current === undefined) t.leftScopes?.();
  else current.add(t);
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
  t.leftScopes?.();
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
    if (!returned.has(t)) t.dispose();
    else if (parent === undefined) t.leftScopes?.();
    else parent.add(t);
  }
  return result;
}
