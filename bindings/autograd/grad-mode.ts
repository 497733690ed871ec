// Whether ops record themselves for backward. Off inside `noGrad` and during backward itself.
import { ArgumentError } from '../errors.js';

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

function withGradMode<T>(op: string, on: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(`${op}: expected a function to run, got ${String(fn)}`);
  const before = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = before;
  }
}

/** Runs `fn` without recording a graph: for evaluation, and for updates that must not be differentiated. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}
