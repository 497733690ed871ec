// Option declarations: each op, layer, optimizer and loader declares once which options it takes
// and the type of each, and checks what it is given against that declaration. A misspelt key or
// a value of the wrong type is then an ArgumentError naming the op, the key and what is accepted,
// instead of an option silently ignored (a typo that changes results) or a raw TypeError.
import { ArgumentError } from './errors.js';

/**
 * A value's declared type: alternatives joined by '|', each one of boolean, number, int, string,
 * tensor (added by tensor.ts), null, function, url, bytes (an ArrayBuffer or a view of one),
 * object (a plain object), a quoted literal such as 'tanh', or a list of the scalar ones: int[2]
 * (exactly two), number[] (any length). A nested declaration checks a plain object option key by
 * key; a class, that the value is an instance of it. The type says what kind of value is meant;
 * ranges (a dim inside the rank, a rate in [0, 1)) stay with the code that knows them, whose
 * messages name the bounds.
 */
export type OptionType = string | OptionsDeclaration<object> | (abstract new (...args: never[]) => object);

/** The types the spatial ops share: a size per axis or one for all, and paddings per side. */
export const PAIR = 'number|number[2]';
export const PADDING = 'number|number[2]|number[4]';
export const TRIPLE = 'number|number[3]';
export const PADDING3D = 'number|number[3]|number[6]';

type Check = (v: unknown) => boolean;

const SCALARS: Record<string, Check> = {
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  string: (v) => typeof v === 'string',
  null: (v) => v === null,
  function: (v) => typeof v === 'function',
  url: (v) => typeof URL !== 'undefined' && v instanceof URL,
  bytes: (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v),
  object: (v) => isPlainObject(v),
};

/** An object literal ({...}), not an array, tensor, class instance or null. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Adds a named type to the vocabulary: tensor.ts adds 'tensor', so that this file, which the
 * runtime also uses, imports no Tensor (and no import cycle through it).
 */
export function defineOptionType(name: string, check: Check, one: string, many: string): void {
  SCALARS[name] = check;
  WORDS[name] = [one, many];
}

/** How a message names each type. */
const WORDS: Record<string, [one: string, many: string]> = {
  boolean: ['a boolean', 'booleans'], number: ['a number', 'numbers'], int: ['a whole number', 'whole numbers'],
  string: ['a string', 'strings'], null: ['null', 'nulls'], function: ['a function', 'functions'],
  url: ['a URL', 'URLs'], bytes: ['bytes', 'byte arrays'], object: ['an object', 'objects'],
};

/** A type in words: "a whole number or a list of 2 whole numbers". */
function inWords(type: string): string {
  return type.split('|').map((part) => {
    const t = part.trim();
    const list = /^(\w+)\[(\d*)\]$/.exec(t);
    if (list !== null) {
      // A 1-D op's size comes as [n]: "a list of one number", not "of 1 numbers".
      if (list[2] === '1') return `a list of one ${WORDS[list[1]][0].replace(/^an? /, '')}`;
      return `a list of ${list[2] === '' ? '' : `${list[2]} `}${WORDS[list[1]][1]}`;
    }
    return WORDS[t]?.[0] ?? t;
  }).join(' or ');
}

/** A named type's check, looked up when first used: tensor.ts may add its type after a declaration is made. */
function named(name: string): Check {
  return (v) => {
    const check = SCALARS[name];
    if (check === undefined) throw new Error(`option type ${name} is not in the vocabulary of bindings/options.ts`);
    return check(v);
  };
}

function alternative(text: string): Check {
  const literal = /^'(.*)'$/.exec(text);
  if (literal !== null) return (v) => v === literal[1];
  const list = /^(\w+)\[(\d*)\]$/.exec(text);
  if (list !== null) {
    const element = named(list[1]);
    const length = list[2] === '' ? -1 : Number(list[2]);
    return (v) => Array.isArray(v) && (length < 0 || v.length === length) && v.every(element);
  }
  return named(text);
}

interface Field {
  type: OptionType;
  check: Check;
  /** The literal strings the type allows, for a did-you-mean on a misspelt value. */
  literals: string[];
}

function compileField(type: OptionType): Field {
  if (type instanceof OptionsDeclaration) return { type, check: () => true, literals: [] };
  if (typeof type === 'function') return { type, check: (v) => v instanceof type, literals: [] };
  const parts = type.split('|').map((s) => s.trim());
  const checks = parts.map(alternative);
  const literals = parts.filter((p) => /^'.*'$/.test(p)).map((p) => p.slice(1, -1));
  return { type, check: (v) => checks.some((c) => c(v)), literals };
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

const folded = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');

/**
 * The accepted word closest to `word`: equal but for case, '_' and '-' (is_causal, isCausal), or
 * at most two edits away; undefined when none is.
 */
export function closest(word: string, accepted: readonly string[]): string | undefined {
  const same = accepted.find((a) => folded(a) === folded(word));
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const a of accepted) {
    const d = levenshtein(folded(word), folded(a));
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}

/** A value as a message shows it: strings quoted, plain objects as JSON, other objects by class (and shape). */
function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object' && v !== null) {
    if (!isPlainObject(v) && !Array.isArray(v)) {
      const shape = (v as { shape?: unknown }).shape;
      return `a ${v.constructor?.name ?? 'object'}${Array.isArray(shape) ? ` of shape [${shape.join(', ')}]` : ''}`;
    }
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** An argument list without the undefined ones at its end, which JavaScript treats as not given. */
function withoutTrailingUndefined(args: readonly unknown[]): readonly unknown[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return n === args.length ? args : args.slice(0, n);
}

/** The options one op, layer, optimizer or loader accepts: their keys, in positional order, and types. */
export class OptionsDeclaration<T extends object> {
  private compiled: ReadonlyMap<string, Field> | null = null;

  constructor(
    readonly owner: string, private readonly types: Readonly<Record<string, OptionType>>, private readonly required: readonly string[] = [],
  ) {}

  // Compiled when first used: the library declares a few hundred of these at import, and
  // compiling them all there was a measurable part of a cold start.
  private get fields(): ReadonlyMap<string, Field> {
    return (this.compiled ??= new Map(Object.entries(this.types).map(([k, spec]) => [k, compileField(spec)])));
  }

  /**
   * The declaration of something that takes these options less `omit` plus `add` (a layer over its
   * op: Conv2d takes conv2d's options and its own bias and seed), under its own name.
   */
  derive<U extends object>(owner: string, add: Readonly<Record<string, OptionType>>, omit: readonly string[] = []): OptionsDeclaration<U> {
    const kept = Object.entries(this.types).filter(([k]) => !omit.includes(k));
    return new OptionsDeclaration<U>(owner, { ...Object.fromEntries(kept), ...add });
  }

  /** The accepted keys, in declaration order. */
  get keys(): string[] {
    return [...this.fields.keys()];
  }

  private accepted(): string {
    return this.fields.size === 0 ? `${this.owner} takes no options` : `accepted: ${this.keys.join(', ')}`;
  }

  /** Throws unless `value` has the type declared for `key`. */
  check(key: string, value: unknown): void {
    const field = this.fields.get(key);
    if (field === undefined) throw new Error(`${this.owner}: ${key} is not declared`);
    if (field.type instanceof OptionsDeclaration) {
      field.type.parse(value);
      return;
    }
    if (field.check(value)) return;
    if (typeof field.type === 'function') {
      throw new ArgumentError(`${this.owner}: ${key} must be a ${field.type.name}, got ${describeValue(value)}`);
    }
    const near = typeof value === 'string' ? closest(value, field.literals) : undefined;
    throw new ArgumentError(
      `${this.owner}: ${key} must be ${inWords(field.type)}, got ${describeValue(value)}` +
        (near === undefined ? '' : `; did you mean '${near}'?`),
    );
  }

  /**
   * The options object checked: undefined means no options; anything but a plain object, a key
   * not declared, or a value of the wrong type is refused. A key given as undefined is absent.
   */
  parse(options: unknown): T {
    if (options === undefined) return this.parse({});
    if (!isPlainObject(options)) {
      throw new ArgumentError(`${this.owner}: options must be a plain object, got ${describeValue(options)}; ${this.accepted()}`);
    }
    for (const [key, value] of Object.entries(options)) {
      if (!this.fields.has(key)) {
        const near = closest(key, this.keys);
        throw new ArgumentError(
          `${this.owner}: unknown option '${key}'; ${near === undefined ? '' : `did you mean '${near}'? `}${this.accepted()}`,
        );
      }
      if (value !== undefined) this.check(key, value);
    }
    for (const key of this.required) {
      if (options[key] === undefined) throw new ArgumentError(`${this.owner}: ${key} is required; ${this.accepted()}`);
    }
    return options as T;
  }

  /**
   * The options of a call whose trailing arguments are either these options by position, in
   * declaration order (leakyRelu(x, 0.2), sum(x, 0, true)), or one options object in their place
   * (sum(x, { dim: 0 })), as PyTorch takes them by position or by keyword. More arguments than
   * declared keys are refused; undefined ones at the end count as not given.
   */
  fromArguments(given: readonly unknown[]): T {
    const args = withoutTrailingUndefined(given);
    if (args.length === 0 && this.required.length === 0) return {} as T;
    const keys = this.keys;
    if (args.length === 1 && isPlainObject(args[0]) && !this.takesObjectFirst()) return this.parse(args[0]);
    this.refuseExtra(args.slice(keys.length), keys.length === 0 ? 'the inputs' : `(${keys.join(', ')})`);
    const options: Record<string, unknown> = {};
    args.forEach((v, i) => (options[keys[i]] = v));
    return this.parse(options);
  }

  /** The options object of a call that ends with one (conv2d(x, w, b, opts)), and nothing after it. */
  parseLast(options: unknown, extra: readonly unknown[]): T {
    this.refuseExtra(extra, 'the options object');
    return this.parse(options);
  }

  private refuseExtra(extra: readonly unknown[], after: string): void {
    if (withoutTrailingUndefined(extra).length === 0) return;
    const first = extra[0];
    const what = isPlainObject(first)
      ? `an options object with ${Object.keys(first).map((k) => `'${k}'`).join(', ') || 'no keys'}`
      : describeValue(first);
    throw new ArgumentError(`${this.owner}: too many arguments: ${what} after ${after}; ${this.accepted()}`);
  }

  /** Whether the first key's own type is a plain object, when an object argument is that key's value. */
  private takesObjectFirst(): boolean {
    const first = this.fields.values().next().value;
    return first !== undefined && !(first.type instanceof OptionsDeclaration) && first.check({});
  }
}

/**
 * Declares the options of `owner` (the name its errors use) and each key's type, every key of T
 * listed, in the order of the positional arguments they may also come as; `required` lists the
 * keys that must be given.
 */
export function defineOptions<T extends object>(
  owner: string, fields: { readonly [K in keyof T]-?: OptionType }, required: readonly (keyof T & string)[] = [],
): OptionsDeclaration<T> {
  return new OptionsDeclaration<T>(owner, fields as Record<string, OptionType>, required);
}

/** The declaration of something that takes no options: any options object or extra argument is refused. */
export function noOptions(owner: string): OptionsDeclaration<Record<never, never>> {
  return new OptionsDeclaration(owner, {});
}
