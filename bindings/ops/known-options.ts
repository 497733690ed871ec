// Options of the ops: a misspelled key or name would otherwise be ignored in silence and the
// default used instead, so keys outside an op's list are refused, naming the ones it takes.
import { ArgumentError } from '../errors.js';

export function checkKnownOptions(op: string, opts: object | undefined, known: readonly string[]): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object') throw new ArgumentError(`${op}: options must be an object, got ${String(opts)}`);
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${op}: unknown option '${key}'; it takes ${known.map((k) => `'${k}'`).join(', ')}`);
    }
  }
}

/** Throws unless `value` is one of the `allowed` names (a mode, a nonlinearity). */
export function checkChoice(op: string, name: string, value: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(value as string)) {
    throw new ArgumentError(`${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`);
  }
}
